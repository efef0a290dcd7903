"""Mutation fuzzer for the front ends, the policies behind them, the config and the baseline.

Run it for as long as you like::

    .venv/bin/python benchmarks/fuzz.py --seconds 600 --seed 1
    .venv/bin/python benchmarks/fuzz.py --count 20000

Seeds are the files of ``samples/``, ``tests/bad_inputs/`` and ``tests/corpus/``, plus the
generated hostile cases of ``tests/bad_inputs/cases.py`` (the IAM wildcard blow-up, the
Terraform evaluation-budget cases, a template of many resources, control characters in
names, the configuration and baseline cases). Each input is a seed mutated by
byte flips, deletions, duplications, splices with another seed and insertions of syntax
tokens that parsers trip on (``{``, ``${``, ``!Ref``, ``*anchor``, runs of ``*``...).

Terraform and CloudFormation inputs are loaded and every policy runs over the model (the
filter-pattern, EventBridge and IAM matchers live there); config inputs go through
``load_config``, baseline inputs through ``baseline.load``. Each input runs in a worker
process under a per-input CPU bound and a memory bound (``--time-bound``,
``--memory-bound``; kernel limits, so a hang or a blow-up is caught, not waited for). An
exception (the front ends promise never to raise), or an input over a bound, is saved under
``benchmarks/out/{crashes,over-bound}/`` with its reason, and the path printed.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import multiprocessing
import random
import resource
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scanner.limits import Limits  # noqa: E402
from scanner.model import Model  # noqa: E402

TOKENS = (
    b"{", b"}", b"[", b"]", b'"', b"${", b"%{", b"<<EOF\n", b"\nEOF\n", b"!Ref ", b"!GetAtt ",
    b"!Sub ", b"!If ", b"&anchor ", b"*anchor", b"\t", b"\r\n", b"\x00", b"\xff", b": ",
    b"- ", b"=", b"module ", b"count = ", b"for_each = ", b"local.", b"var.", b"#", b"//",
    b"/*", b"*/", b"\\", b"null", b"true", b"Fn::", b"Type: AWS::CloudTrail::Trail\n",
    # pattern syntax: star runs, regex quantifiers, EventBridge operators
    b"*" * 16, b"\\\\w*" * 8, b"%", b"(a+)+", b"[a-z]*", b"{1,999}", b"wildcard", b"$or",
    b"\x1b[31m", b"\xe2\x80\xae",
)
SEED_DIRS = ("samples", "tests/bad_inputs", "tests/corpus")
KINDS = ("terraform", "cloudformation", "config", "baseline")


def _cases() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bad_input_cases", REPO / "tests/bad_inputs/cases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _generated(kind: str) -> list[bytes]:
    """The hostile cases that exist only as code (too big to commit, or not files)."""
    cases = _cases()
    if kind == "cloudformation":
        return [cases.iam_wildcards_template(300, 1_000).encode(), cases.HOSTILE_TEMPLATE.encode(),
                cases.many_resources_template(2_000).encode()]
    if kind == "terraform":
        # the evaluation-budget cases (each within a seed's size)
        formats = "".join(f"locals {{\n  f{i} = format({args})\n}}\n"
                          for i, args in enumerate(cases.FORMAT_CALLS))
        return [cases.doubling_locals_tf().encode(), (cases.tf_budget_head() + formats).encode(),
                cases.nested_for_tf().encode(), cases.tf_budget_head(count="100000000").encode(),
                cases.attribute_chain_tf().encode(), cases.distinct_tf().encode()]
    if kind == "baseline":
        from scanner.baseline import Entry, dumps

        valid = dumps([Entry(path="main.tf", resource="aws_cloudtrail.t", id="CT008")]).encode()
        return [valid, cases.DEEP_BASELINE, cases.BIG_NUMBER_BASELINE, b"version: 1\n"]
    if kind == "config":
        readme = (REPO / "README.md").read_text(encoding="utf-8")
        example = readme.split("```toml\n", 1)[1].split("```", 1)[0].encode()
        return [
            example, example.replace(b"[tool.trailscan]\n", b""), b'select = ["\xff\xfe"]\n',
            b"tool = 5\n", b'[limits]\nmax_instances = "many"\n',
            b"min_retention_days = 1" + b"0" * 5_000 + b"\n", b"a = " + b"[" * 2_000 + b"]" * 2_000,
        ]
    return []


def seeds(kind: str) -> list[bytes]:
    """Terraform seeds are .tf files; CloudFormation seeds are YAML/JSON files; config and
    baseline seeds are generated."""
    out: list[bytes] = []
    if kind in ("terraform", "cloudformation"):
        for base in SEED_DIRS:
            for path in sorted((REPO / base).rglob("*")):
                if not path.is_file() or path.is_symlink() or path.stat().st_size > 200_000:
                    continue
                name = path.name
                is_tf = name.endswith((".tf", ".tf.json"))
                is_cfn = not is_tf and (
                    name.endswith((".yaml", ".yml", ".json", ".template"))
                    or "_yaml" in name or "_json" in name
                )
                if (kind == "terraform" and is_tf) or (kind == "cloudformation" and is_cfn):
                    out.append(path.read_bytes())
    return out + _generated(kind)


def mutate(data: bytes, pool: list[bytes], rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        pos = rng.randint(0, len(buf))
        if op == 0 and buf:  # byte flip
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
        elif op == 1 and buf:  # delete a run
            del buf[pos:pos + rng.randint(1, 64)]
        elif op == 2 and buf:  # duplicate a run
            start = rng.randrange(len(buf))
            chunk = buf[start:start + rng.randint(1, 256)]
            buf[pos:pos] = chunk
        elif op == 3:  # splice with another seed
            other = rng.choice(pool)
            cut = rng.randint(0, len(other))
            buf = buf[:pos] + bytearray(other[cut:cut + rng.randint(1, 512)])
        else:  # token insertion
            buf[pos:pos] = rng.choice(TOKENS)
    return bytes(buf)


# ---------------------------------------------------------------------------
# What one input goes through
# ---------------------------------------------------------------------------


def _policies(model: Model) -> None:
    from scanner.engine import evaluate, load_policies

    result = evaluate(load_policies(), model)
    failed = [f.message for f in result.findings if f.id == "CT900"]
    if failed:
        raise RuntimeError(f"a policy raised: {failed[0]}")


def _run_terraform(directory: Path, data: bytes) -> object:
    from scanner.parsers.terraform import load_terraform

    (directory / "main.tf").write_bytes(data)
    model = load_terraform(directory, directory, limits=Limits())
    if isinstance(model, Model):
        _policies(model)
    return model


def _run_cloudformation(directory: Path, data: bytes) -> object:
    from scanner.parsers.cloudformation import load_cloudformation, looks_like_template

    path = directory / "template.yaml"
    path.write_bytes(data)
    looks_like_template(data.decode("utf-8", "replace"))
    model = load_cloudformation(path, directory, limits=Limits())
    if isinstance(model, Model):
        _policies(model)
    return model


def _run_config(directory: Path, data: bytes) -> object:
    from scanner.config import ConfigError, load_config

    path = directory / ".trailscan.toml"
    path.write_bytes(data)
    try:
        load_config(path)
    except ConfigError:
        pass
    return None


def _run_baseline(directory: Path, data: bytes) -> object:
    from scanner.baseline import BaselineError, load

    path = directory / "baseline.json"
    path.write_bytes(data)
    try:
        load(path)
    except BaselineError:
        pass
    return None


FRONT_ENDS: dict[str, Callable[[Path, bytes], object]] = {
    "terraform": _run_terraform,
    "cloudformation": _run_cloudformation,
    "config": _run_config,
    "baseline": _run_baseline,
}


def _warm_up(kind: str, pool: list[bytes]) -> None:
    """Build lazily made tables (the HCL grammar, the policy catalogue) before forking, so
    that the worker does not pay for them on its first input."""
    scratch = Path(tempfile.mkdtemp(prefix="trailscan-fuzz-warm-"))
    try:
        FRONT_ENDS[kind](scratch, pool[0])
    except Exception:  # noqa: BLE001 - only warming; the seed is fuzzed later anyway
        pass
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# ---------------------------------------------------------------------------
# The worker: one process, inputs one at a time, each under the kernel's limits
# ---------------------------------------------------------------------------


def _cpu_used() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _mapped_bytes() -> int:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * resource.getpagesize()


def _serve(conn: Any, kind: str, scratch: Path, cpu_bound: float, memory_bound: int) -> None:
    """Answer ``(status, cpu seconds, detail)`` for each input received.

    The CPU soft limit is moved before every input to what has been used plus the bound:
    an input over it is killed by SIGXCPU. The address space is capped at what the worker
    maps at start plus the memory bound: an allocation over it is a MemoryError.
    """
    run = FRONT_ENDS[kind]
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.platform.startswith("linux"):
        cap = _mapped_bytes() + memory_bound
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    while True:
        try:
            data = conn.recv()
        except EOFError:
            return
        for stale in scratch.iterdir():
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink()
        start = _cpu_used()
        soft = int(start + cpu_bound) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
        try:
            result = run(scratch, data)
            if result is not None and not isinstance(result, Model):
                raise TypeError(f"front end returned {type(result).__name__}")
        except MemoryError:
            conn.send(("over-memory", _cpu_used() - start, "MemoryError: over the memory bound"))
            return  # the heap may be in a poor state: start afresh
        except Exception:  # noqa: BLE001 - this is exactly what we hunt
            conn.send(("crash", _cpu_used() - start, traceback.format_exc()))
        else:
            conn.send(("ok", _cpu_used() - start, ""))


class Worker:
    def __init__(self, kind: str, scratch: Path, cpu_bound: float, memory_bound: int) -> None:
        context = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child, kind, scratch, cpu_bound, memory_bound), daemon=True
        )
        self.process.start()
        child.close()

    def run(self, data: bytes, wall_seconds: float) -> tuple[str, float, str]:
        self.conn.send(data)
        if not self.conn.poll(wall_seconds):
            self.stop()
            return "over-time", wall_seconds, f"no answer after {wall_seconds:g} s of wall-clock time"
        try:
            return self.conn.recv()  # type: ignore[no-any-return]
        except EOFError:
            self.process.join(5)
            code = self.process.exitcode
            return "over-time", float("nan"), f"worker killed (exit code {code}): over the CPU bound"

    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


def save(kind: str, data: bytes, status: str, detail: str) -> Path:
    out = REPO / "benchmarks" / "out" / ("crashes" if status == "crash" else "over-bound")
    out.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()[:16]
    suffix = {"terraform": "tf", "cloudformation": "yaml", "config": "toml", "baseline": "json"}[kind]
    path = out / f"{kind}-{digest}.{suffix}"
    path.write_bytes(data)
    path.with_suffix(path.suffix + ".txt").write_text(f"{status}\n{detail}")
    return path


def fuzz(kind: str, count: int | None, seconds: float | None, rng: random.Random,
         cpu_bound: float = 10.0, memory_bound: int = 1024**3) -> dict[str, Any]:
    pool = seeds(kind)
    _warm_up(kind, pool)
    scratch = Path(tempfile.mkdtemp(prefix=f"trailscan-fuzz-{kind}-"))
    counts = {"crash": 0, "over-time": 0, "over-memory": 0}
    done = 0
    slowest = 0.0
    worker: Worker | None = None
    start = time.perf_counter()
    try:
        while True:
            if count is not None and done >= count:
                break
            if seconds is not None and time.perf_counter() - start >= seconds:
                break
            data = mutate(rng.choice(pool), pool, rng)
            if worker is None or not worker.alive():
                worker = Worker(kind, scratch, cpu_bound, memory_bound)
            status, cpu, detail = worker.run(data, wall_seconds=cpu_bound * 4 + 5)
            if status != "ok":
                counts[status] += 1
                path = save(kind, data, status, detail)
                print(f"{status.upper()} {kind}: {path}", flush=True)
                if status != "crash":
                    worker.stop()
                    worker = None
            if cpu == cpu:  # not NaN
                slowest = max(slowest, cpu)
            done += 1
    finally:
        if worker is not None:
            worker.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB -> MiB (Linux)
    return {"front_end": kind, "inputs": done, "seconds": elapsed,
            "per_second": done / elapsed if elapsed else 0.0, "crashes": counts["crash"],
            "over_time": counts["over-time"], "over_memory": counts["over-memory"],
            "slowest_cpu": slowest, "peak_rss_mib": peak, "seeds": len(pool)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, help="time budget per front end")
    parser.add_argument("--count", type=int, help="inputs per front end")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--front-end", choices=KINDS, action="append")
    parser.add_argument("--time-bound", type=float, default=10.0,
                        help="CPU seconds one input may take (default 10)")
    parser.add_argument("--memory-bound", type=int, default=1024,
                        help="MiB one input may add to the worker's address space (default 1024)")
    args = parser.parse_args(argv)
    if args.seconds is None and args.count is None:
        args.count = 1000
    failures = 0
    for kind in args.front_end or KINDS:
        rng = random.Random(f"{args.seed}-{kind}")
        stats = fuzz(kind, args.count, args.seconds, rng, args.time_bound, args.memory_bound * 1024**2)
        failures += stats["crashes"] + stats["over_time"] + stats["over_memory"]
        print(f"{kind}: {stats['inputs']} inputs from {stats['seeds']} seeds in "
              f"{stats['seconds']:.1f}s = {stats['per_second']:.1f} inputs/s, "
              f"{stats['crashes']} crashes, {stats['over_time']} over the time bound, "
              f"{stats['over_memory']} over the memory bound; slowest input "
              f"{stats['slowest_cpu']:.2f} s CPU, peak worker RSS {stats['peak_rss_mib']:.0f} MiB",
              flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
