"""trailscan against checkov, measured in one run, reported as the ratios of issue 15.

checkov pins ``bc-python-hcl2``, which installs the same ``hcl2`` import package as
python-hcl2, so it never goes into the project's environment: this script builds its own
virtual environment (``benchmarks/.venv-checkov``) the first time and, when that cannot be
done (no package index, say), prints why and measures trailscan alone.

Workloads are generated into ``benchmarks/out/`` (git-ignored) by ``make_monorepo.py``
(the issue's generator) and by this script:

  (a) the 610-file monorepo (N=500: 500 service dirs, 100 stacks, 10 trail dirs), cold
      (``--no-cache`` for a trailscan that has a cache between runs); ``--warm`` adds the
      runs with the cache filled (and the same for (b));
  (b) one ``.tf`` file with a trail (the pre-commit case);
  (c) one CloudFormation template with a trail;
  (d) N=2000 against N=500 (trailscan's own scaling ratio), and 300 units with a trail each
      in one account (seconds).

Each case runs the tools interleaved (trailscan, checkov, trailscan, checkov, ...) and
reports medians of wall time and of CPU time (user + system of the child and its
children; on a busy machine the CPU time is the steadier figure) and the peak resident
memory of the largest process of the tool's tree (``wait4``'s ``ru_maxrss``). checkov runs
only its CloudTrail checks (found with ``checkov --list``), both frameworks, quiet, with
no network (``--skip-download``, ``BC_API_KEY`` empty).

Usage::

    python benchmarks/bench.py [--repeat 3] [--warm] [--no-checkov]
    python benchmarks/bench.py --trailscan before=/path/to/old/.venv/bin/python \\
                               --trailscan after=.venv/bin/python       # before/after, one run

Absolute seconds depend on the machine; the ratios over the same files in the same run
are the figures to quote. A ratio goal is judged on wall time, the time a user or a CI job
waits for (the issue asks for every core: a forked copy of the scan spends CPU on the
second core to cut it); the CPU ratio is printed beside it.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import venv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEER_VENV = HERE / ".venv-checkov"
PEER_SPEC = "checkov>=3.3,<3.4"
OUT = HERE / "out"
GENERATOR = HERE / "make_monorepo.py"
UNITS = 300

# Goals of issue 15, for the summary.
GOAL_MONOREPO = 25.0
GOAL_ONE_TF = 15.0
GOAL_ONE_CFN = 20.0
GOAL_SCALING = 4.4
GOAL_MEMORY = 0.5
GOAL_WARM = 50.0

CFN_TRAIL = """AWSTemplateFormatVersion: "2010-09-09"
Description: One trail with its bucket, key and log group (the pre-commit case).
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Sid: Admin
            Effect: Allow
            Principal: {AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}
            Action: "kms:*"
            Resource: "*"
          - Sid: CloudTrail
            Effect: Allow
            Principal: {Service: cloudtrail.amazonaws.com}
            Action: "kms:GenerateDataKey*"
            Resource: "*"
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: {Status: Enabled}
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: true
        IgnorePublicAcls: true
        RestrictPublicBuckets: true
      LifecycleConfiguration:
        Rules:
          - Id: archive
            Status: Enabled
            Transitions: [{StorageClass: GLACIER, TransitionInDays: 90}]
            ExpirationInDays: 730
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: cloudtrail.amazonaws.com}
            Action: s3:GetBucketAcl
            Resource: !GetAtt Bucket.Arn
          - Effect: Allow
            Principal: {Service: cloudtrail.amazonaws.com}
            Action: s3:PutObject
            Resource: !Sub "${Bucket.Arn}/AWSLogs/${AWS::AccountId}/*"
            Condition: {StringEquals: {"s3:x-amz-acl": bucket-owner-full-control}}
  LogGroup:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: 365
      KmsKeyId: !GetAtt Key.Arn
  Trail:
    Type: AWS::CloudTrail::Trail
    DependsOn: BucketPolicy
    Properties:
      IsLogging: true
      IsMultiRegionTrail: true
      IncludeGlobalServiceEvents: true
      EnableLogFileValidation: true
      S3BucketName: !Ref Bucket
      KMSKeyId: !Ref Key
      CloudWatchLogsLogGroupArn: !GetAtt LogGroup.Arn
      CloudWatchLogsRoleArn: !Sub "arn:aws:iam::${AWS::AccountId}:role/ct"
"""


# -- workloads ---------------------------------------------------------------------


def _stamp(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def _fresh(directory: Path, stamp: str) -> bool:
    """True when ``directory`` was generated with ``stamp``; else it is emptied."""
    marker = directory / ".bench-stamp"
    if marker.is_file() and marker.read_text() == stamp:
        return True
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return False


def _monorepo(n: int) -> Path:
    out = OUT / f"monorepo-{n}"
    stamp = _stamp(GENERATOR.read_text(), str(n))
    if not _fresh(out, stamp):
        subprocess.run([sys.executable, str(GENERATOR), str(out), str(n)], check=True)
        (out / ".bench-stamp").write_text(stamp)
    return out


def _generator_module() -> dict[str, object]:
    namespace: dict[str, object] = {"__name__": "make_monorepo"}
    exec(compile(GENERATOR.read_text(), str(GENERATOR), "exec"), namespace)  # our own file
    return namespace


def _one_tf() -> Path:
    out = OUT / "one-tf"
    trail = str(_generator_module()["TRAIL_TF"]).format(i=0, multi="true")
    if not _fresh(out, _stamp(trail)):
        (out / "trail.tf").write_text(trail)
        (out / ".bench-stamp").write_text(_stamp(trail))
    return out / "trail.tf"


def _one_cfn() -> Path:
    out = OUT / "one-cfn"
    if not _fresh(out, _stamp(CFN_TRAIL)):
        (out / "trail.yaml").write_text(CFN_TRAIL)
        (out / ".bench-stamp").write_text(_stamp(CFN_TRAIL))
    return out / "trail.yaml"


def _units(count: int) -> Path:
    """``count`` root modules in one account, each with a trail, bucket, key and log group
    (half of them multi-region): what makes account-wide policies grow with the units."""
    out = OUT / f"units-{count}"
    trail = str(_generator_module()["TRAIL_TF"])
    stamp = _stamp(trail, str(count))
    if not _fresh(out, stamp):
        for i in range(count):
            unit = out / f"unit{i:04d}"
            unit.mkdir()
            (unit / "trail.tf").write_text(trail.format(i=i, multi="true" if i % 2 == 0 else "false"))
        (out / ".bench-stamp").write_text(stamp)
    return out


# -- running -----------------------------------------------------------------------


@dataclass
class Runs:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    codes: set[int] = field(default_factory=set)

    def median_wall(self) -> float:
        return statistics.median(self.wall)

    def median_cpu(self) -> float:
        return statistics.median(self.cpu)

    def peak_mb(self) -> float:
        return max(self.rss_kb) / 1024


def run_once(cmd: Sequence[str], runs: Runs, env: dict[str, str] | None = None, cwd: Path = OUT) -> None:
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
        env=env, cwd=cwd,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    runs.wall.append(time.perf_counter() - start)
    proc.returncode = os.waitstatus_to_exitcode(status)
    runs.cpu.append(usage.ru_utime + usage.ru_stime)
    runs.rss_kb.append(usage.ru_maxrss)
    runs.codes.add(proc.returncode)


@dataclass
class Tool:
    name: str
    command: list[str]  # program and fixed options; the target is appended
    env: dict[str, str] | None = None
    is_peer: bool = False

    def cmd(self, target: Path, extra: Sequence[str] = ()) -> list[str]:
        if self.is_peer:
            flag = "-f" if target.is_file() else "-d"
            return [*self.command, flag, str(target), *extra]
        return [*self.command, str(target), *extra]


def ensure_checkov() -> Path | None:
    """A checkov executable in its own venv, or None (with the reason printed)."""
    exe = PEER_VENV / "bin" / "checkov"
    if exe.exists():
        return exe
    print(f"building {PEER_VENV} with {PEER_SPEC} (one-off, a few minutes)...", file=sys.stderr)
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(PEER_VENV)
        subprocess.run(
            [str(PEER_VENV / "bin" / "python"), "-m", "pip", "install", "-q", PEER_SPEC],
            check=True, timeout=1800, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"SKIP checkov: could not build its environment ({exc})", file=sys.stderr)
        shutil.rmtree(PEER_VENV, ignore_errors=True)
        return None
    return exe if exe.exists() else None


def checkov_env() -> dict[str, str]:
    env = user_env()
    env.update({"BC_API_KEY": "", "PRISMA_API_URL": "", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
                "LOG_LEVEL": "ERROR"})
    return env


def cloudtrail_checks(exe: Path) -> list[str]:
    """checkov's checks on a CloudTrail trail whose title is about CloudTrail (its list also
    attributes unrelated graph checks, CodeCommit or CORS, to the trail resource)."""
    listing = subprocess.run(
        [str(exe), "--list", "--framework", "terraform", "cloudformation"],
        capture_output=True, text=True, env=checkov_env(), timeout=600, check=True,
    ).stdout
    ids = set()
    for line in listing.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) < 6:
            continue
        check_id, resource, title = cells[2], cells[4], cells[5]
        if resource in ("aws_cloudtrail", "AWS::CloudTrail::Trail") and "cloudtrail" in title.lower():
            ids.add(check_id)
    return sorted(ids)


def user_env() -> dict[str, str]:
    """The environment a user's run has: bytecode is cached (a session that sets
    PYTHONDONTWRITEBYTECODE would make every run of an editable install compile trailscan)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def trailscan_tool(name: str, python: str) -> Tool:
    # absolute, not resolved: a venv's python is a symlink that must stay inside the venv
    python = str(Path(python).absolute())
    return Tool(name, [python, "-m", "scanner", "scan", "--format", "json", "--no-color"], env=user_env())


# The floor of the one-file case: start Python, import lark, load the HCL parse tables the
# way trailscan does (the shipped module, with grammar.py's loader: both loaded by path,
# python-hcl2's post-lexer), parse the file; none of trailscan's own modules (its packages'
# __init__ would import the whole front end). A trailscan whose tables are lark's own
# serialization (before the pre-resolved tables) is loaded with lark's loader.
FLOOR = """
import gc, importlib.util, sys
from pathlib import Path

def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

here = Path(importlib.util.find_spec("scanner").origin).parent / "parsers" / "terraform"
gc.disable()
tables = load("tables", here / "_hcl_tables.py")
post = load("post", Path(importlib.util.find_spec("hcl2").origin).parent / "postlexer.py")
if hasattr(tables, "OBJECTS"):
    parser = load("grammar", here / "grammar.py").load_tables(tables, post.PostLexer())
else:
    from lark import Lark
    parser = Lark._load_from_dict(tables.DATA, tables.MEMO, postlex=post.PostLexer(), propagate_positions=True)
gc.enable()
parser.parse(Path(sys.argv[1]).read_text(encoding="utf-8") + "\\n")
"""


def floor_tool(python: str) -> Tool:
    return Tool("python-hcl2 floor", [str(Path(python).absolute()), "-c", FLOOR], env=user_env())


def supports(tool: Tool, option: str) -> bool:
    help_text = subprocess.run([*tool.command[:3], "scan", "--help"], capture_output=True, text=True,
                               cwd=OUT).stdout
    return option in help_text


def measure(
    tools: Sequence[Tool], target: Path, repeat: int, extra: dict[str, list[str]] | None = None
) -> dict[str, Runs]:
    """Interleaved: each round runs every tool once, in order, after one untimed round
    (the file cache; the parse-table cache an older trailscan writes on its first run)."""
    results = {t.name: Runs() for t in tools}
    for tool in tools:
        run_once(tool.cmd(target, (extra or {}).get(tool.name, [])), Runs(), env=tool.env)
    for _ in range(repeat):
        for tool in tools:
            run_once(tool.cmd(target, (extra or {}).get(tool.name, [])), results[tool.name], env=tool.env)
    return results


# -- reporting ---------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _row(label: str, runs: Runs) -> str:
    codes = ",".join(str(c) for c in sorted(runs.codes))
    return (f"    {label:<22} wall {runs.median_wall():8.3f}s  cpu {runs.median_cpu():8.3f}s  "
            f"peak {runs.peak_mb():7.1f} MB  (exit {codes})")


def _ratio(peer: Runs, ours: Runs) -> str:
    return (f"checkov/trailscan: wall {peer.median_wall() / ours.median_wall():5.1f}x  "
            f"cpu {peer.median_cpu() / ours.median_cpu():5.1f}x  "
            f"memory trailscan/checkov {ours.peak_mb() / peer.peak_mb():.2f}")


def report_case(title: str, results: dict[str, Runs], ours: list[str], peer: str | None) -> None:
    print(f"\n{title}")
    for name, runs in results.items():
        print(_row(name, runs))
    if peer and peer in results:
        for name in ours:
            print(f"    {name + ':':<10} {_ratio(results[peer], results[name])}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds per case (median; >= 3)")
    parser.add_argument("--warm", action="store_true",
                        help="also (a) and (b) with trailscan's cache between runs filled")
    parser.add_argument("--no-checkov", action="store_true", help="measure trailscan alone")
    parser.add_argument("--first-run", action="store_true",
                        help="also (b) as the first run after an install: deletes python-hcl2's own "
                             "table cache (hcl2/.lark_cache.bin) in each measured environment before each run")
    parser.add_argument("--trailscan", action="append", default=[], metavar="NAME=PYTHON",
                        help="a trailscan to measure (the Python of its environment); repeatable, "
                             "e.g. before=... after=...; default: this Python")
    parser.add_argument("--cases", default="a,b,c,d", help="which cases to run (default a,b,c,d)")
    args = parser.parse_args(argv)
    if args.repeat < 3:
        parser.error("--repeat must be at least 3 (the medians of the issue)")
    cases = set(args.cases.split(","))

    OUT.mkdir(exist_ok=True)
    ours = [trailscan_tool(*spec.split("=", 1)) for spec in args.trailscan] or [
        trailscan_tool("trailscan", sys.executable)
    ]
    peer: Tool | None = None
    if not args.no_checkov:
        exe = ensure_checkov()
        if exe is not None:
            version = subprocess.run([str(exe), "--version"], capture_output=True, text=True,
                                     env=checkov_env()).stdout.strip()
            checks = cloudtrail_checks(exe)
            peer = Tool(f"checkov {version}", [
                str(exe), "--framework", "terraform", "cloudformation", "--check", ",".join(checks),
                "--quiet", "--compact", "-o", "json", "--skip-download",
            ], env=checkov_env(), is_peer=True)
    names = [t.name for t in ours]

    print(f"trailscan benchmark — {_dt.datetime.now(_dt.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {_cpu_model()}, "
          f"Python {platform.python_version()}, {platform.system()} {platform.release()}")
    try:
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"load average at start: {load} (a loaded machine inflates wall time; CPU time less so)")
    except OSError:
        pass
    for tool in ours:
        print(f"trailscan {tool.name}: {tool.command[0]}")
    if peer is not None:
        print(f"peer: {peer.name}, checks {peer.command[peer.command.index('--check') + 1]}")
    else:
        print("peer: checkov not measured (see above); ratios against it are n/a")
    print(f"medians of {args.repeat} interleaved rounds")

    tools = [*ours, *([peer] if peer else [])]
    peer_name = peer.name if peer else None
    # Cold means cold: a trailscan with a cache between runs is measured without it here
    # (the untimed first round would fill it); the warm row below measures it.
    cold = {t.name: ["--no-cache"] for t in ours if supports(t, "--no-cache")}
    summary: dict[str, dict[str, str]] = {n: {} for n in names}

    def against_peer(key: str, results: dict[str, Runs], goal: float) -> None:
        for n in names:
            if peer_name is None:
                summary[n][key] = "n/a (no checkov)"
                continue
            cpu = results[peer_name].median_cpu() / results[n].median_cpu()
            wall = results[peer_name].median_wall() / results[n].median_wall()
            mark = "ok" if wall >= goal else "below goal"
            summary[n][key] = f"{wall:5.1f}x wall, {cpu:5.1f}x cpu (goal >= {goal:g}x wall: {mark})"

    memory: dict[str, list[float]] = {n: [] for n in names}

    def warm_case(key: str, target: Path, peer_runs: dict[str, Runs], goal: float | None) -> None:
        """Each trailscan with its cache between runs filled (one untimed run), against the
        peer's cold runs of the same case (checkov has no such cache)."""
        for tool in ours:
            if not supports(tool, "--cache-dir"):
                summary[tool.name][key] = "n/a (no cache between runs)"
                continue
            cache = OUT / f"cache-{tool.name}"
            shutil.rmtree(cache, ignore_errors=True)
            command = tool.cmd(target, ["--cache-dir", str(cache)])
            run_once(command, Runs(), env=tool.env)  # fill it
            warm = {tool.name: Runs()}
            for _ in range(args.repeat):
                run_once(command, warm[tool.name], env=tool.env)
            if peer_name:
                warm[peer_name] = peer_runs[peer_name]
            report_case(f"({key}) {target.name}, warm ({tool.name}; checkov's cold runs above)",
                        warm, [tool.name], peer_name)
            if peer_name is None:
                summary[tool.name][key] = "n/a (no checkov)"
                continue
            cpu = warm[peer_name].median_cpu() / warm[tool.name].median_cpu()
            wall = warm[peer_name].median_wall() / warm[tool.name].median_wall()
            mark = "" if goal is None else f" (goal >= {goal:g}x wall: {'ok' if wall >= goal else 'below goal'})"
            summary[tool.name][key] = f"{wall:5.1f}x wall, {cpu:5.1f}x cpu{mark}"

    def note_memory(results: dict[str, Runs]) -> None:
        if peer_name is None:
            return
        for n in names:
            memory[n].append(results[n].peak_mb() / results[peer_name].peak_mb())

    if "a" in cases:
        mono = _monorepo(500)
        files = sum(1 for p in mono.rglob("*") if p.is_file() and p.name != ".bench-stamp")
        res = measure(tools, mono, args.repeat, cold)
        report_case(f"(a) monorepo N=500 ({files} files), cold", res, names, peer_name)
        against_peer("a cold", res, GOAL_MONOREPO)
        note_memory(res)
        if args.warm:
            warm_case("a warm", mono, res, GOAL_WARM)
    if "b" in cases:
        floor = floor_tool(ours[-1].command[0])
        res = measure([*tools, floor], _one_tf(), args.repeat, cold)
        report_case("(b) one .tf file with a trail (pre-commit)", res, names, peer_name)
        against_peer("b one .tf", res, GOAL_ONE_TF)
        note_memory(res)
        for n in names:
            cpu = res[n].median_cpu() / res[floor.name].median_cpu()
            wall = res[n].median_wall() / res[floor.name].median_wall()
            print(f"    {n + ':':<10} trailscan/floor: wall {wall:4.2f}x  cpu {cpu:4.2f}x "
                  f"(the floor: Python, lark, the parse tables, one parse)")
            summary[n]["b vs floor"] = f"{wall:5.2f}x wall, {cpu:5.2f}x cpu of the floor (goal <= 1.2x)"
        if args.warm:
            warm_case("b warm", _one_tf(), res, None)
    if "b" in cases and args.first_run:
        first = {t.name: Runs() for t in ours}
        for _ in range(args.repeat):
            for tool in ours:
                cache = subprocess.run(
                    [tool.command[0], "-c", "import hcl2.parser; print(hcl2.parser.PARSER_FILE)"],
                    capture_output=True, text=True, env=tool.env, cwd=OUT,
                ).stdout.strip()
                if cache.endswith(".lark_cache.bin"):
                    Path(cache).unlink(missing_ok=True)
                run_once(tool.cmd(_one_tf(), cold.get(tool.name, [])), first[tool.name], env=tool.env)
        if peer_name:
            first[peer_name] = res[peer_name]
        report_case("(b) the same, as the first run after an install (checkov's runs above)",
                    first, names, peer_name)
        for n in names:
            if peer_name:
                cpu = first[peer_name].median_cpu() / first[n].median_cpu()
                summary[n]["b first run"] = f"{cpu:5.1f}x cpu (first run after an install)"
    if "c" in cases:
        res = measure(tools, _one_cfn(), args.repeat, cold)
        report_case("(c) one CloudFormation template with a trail", res, names, peer_name)
        against_peer("c one template", res, GOAL_ONE_CFN)
        note_memory(res)
    if "d" in cases:
        small, large = _monorepo(500), _monorepo(2000)
        res500 = {t.name: Runs() for t in ours}
        res2000 = {t.name: Runs() for t in ours}
        for _ in range(args.repeat):
            for tool in ours:
                run_once(tool.cmd(small, cold.get(tool.name, [])), res500[tool.name])
                run_once(tool.cmd(large, cold.get(tool.name, [])), res2000[tool.name])
        print("\n(d) trailscan alone: monorepo N=2000 against N=500")
        for tool in ours:
            print(_row(f"{tool.name} N=500", res500[tool.name]))
            print(_row(f"{tool.name} N=2000", res2000[tool.name]))
            cpu = res2000[tool.name].median_cpu() / res500[tool.name].median_cpu()
            wall = res2000[tool.name].median_wall() / res500[tool.name].median_wall()
            mark = "ok" if max(cpu, wall) <= GOAL_SCALING else "above goal"
            summary[tool.name]["d N=2000/N=500"] = (
                f"{wall:5.2f}x wall, {cpu:5.2f}x cpu (goal <= {GOAL_SCALING}x: {mark})"
            )
        units = _units(UNITS)
        res = measure(ours, units, args.repeat, cold)
        report_case(f"(d) {UNITS} units with a trail each, one account", res, names, None)
        for n in names:
            summary[n][f"d {UNITS} units"] = (
                f"{res[n].median_wall():.1f}s wall, {res[n].median_cpu():.1f}s cpu (goal: seconds)"
            )

    print("\nsummary (issue 15 goals)")
    for n in names:
        if memory[n]:
            worst = max(memory[n])
            mark = "ok" if worst <= GOAL_MEMORY else "above goal"
            summary[n]["peak memory"] = f"worst trailscan/checkov {worst:.2f} (goal <= {GOAL_MEMORY}: {mark})"
        print(f"  {n}:")
        for key, text in summary[n].items():
            print(f"    {key:<18} {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
