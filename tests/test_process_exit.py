"""The process ends with ``os._exit`` (``scanner.cli.entry``), skipping the interpreter's
teardown: every report must still be complete, every exit code kept, a reader that goes
away early must not cost a traceback, and nothing of trailscan may rely on ``atexit``.

Each case is a real ``python -m scanner`` (or the installed ``trailscan`` script) in a
fresh process.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

GOOD_TRAIL = """
resource "aws_cloudtrail" "t{n}" {{
  name                       = "t{n}"
  s3_bucket_name             = "b"
  enable_log_file_validation = true
}}
"""
BAD_TRAIL = """
resource "aws_cloudtrail" "t{n}" {{
  name           = "t{n}"
  s3_bucket_name = "b"
}}
"""
# Many findings: a report much larger than a pipe's buffer (64 KiB) and stdout's (8 KiB).
MANY = 400


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def _scan(*argv: str, cwd: Path, stdout: object = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scanner", *argv], cwd=cwd, env=_env(), stdout=stdout,
        stderr=subprocess.PIPE, text=True, timeout=300, check=False,
    )


def _tree(directory: Path, template: str, count: int = 1) -> Path:
    directory.mkdir()
    (directory / "main.tf").write_text("".join(template.format(n=i) for i in range(count)), encoding="utf-8")
    return directory


def test_exit_codes_kept(tmp_path: Path) -> None:
    good = _tree(tmp_path / "good", GOOD_TRAIL)
    bad = _tree(tmp_path / "bad", BAD_TRAIL)
    clean = _scan("scan", str(good), "--select", "CT008", "--format", "json", cwd=tmp_path)
    assert clean.returncode == 0, clean.stderr
    assert json.loads(clean.stdout)["findings"] == []
    failing = _scan("scan", str(bad), "--select", "CT008", "--format", "json", cwd=tmp_path)
    assert failing.returncode == 1, failing.stderr
    assert [f["id"] for f in json.loads(failing.stdout)["findings"]] == ["CT008"]
    usage = _scan("scan", str(tmp_path / "missing"), cwd=tmp_path)
    assert usage.returncode == 2
    assert usage.stderr.startswith("trailscan: error:") and usage.stdout == ""
    version = _scan("--version", cwd=tmp_path)
    assert (version.returncode, version.stdout.strip()) == (0, "trailscan 0.1.0")


def test_large_report_and_output_files_complete(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tree", BAD_TRAIL, MANY)
    sarif = tmp_path / "report.sarif"
    proc = _scan("scan", str(tree), "--select", "CT008", "--format", "json", "--no-progress",
                 "-o", f"sarif={sarif}", "--root", str(tree), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert len(proc.stdout) > 256 * 1024
    report = json.loads(proc.stdout)  # complete: the last byte made it out
    assert len(report["findings"]) == MANY
    assert len(json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]) == MANY
    assert proc.stderr == ""


def test_report_complete_when_stdout_is_a_file(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tree", BAD_TRAIL, MANY)
    target = tmp_path / "out.txt"
    with target.open("w", encoding="utf-8") as out:
        proc = _scan("scan", str(tree), "--select", "CT008", "--no-color", "--root", str(tree),
                     cwd=tmp_path, stdout=out)
    assert proc.returncode == 1, proc.stderr
    text = target.read_text(encoding="utf-8")
    assert text.count(": CT008 [HIGH]") == MANY
    assert text.endswith("\n") and f"{MANY} findings" in text.splitlines()[-1], text.splitlines()[-1]


@pytest.mark.parametrize("extra", [[], ["--exit-zero"], ["--format", "json"]])
def test_reader_gone_before_the_report(tmp_path: Path, extra: list[str]) -> None:
    """stdout is a pipe nobody reads any more: exit 1 (the report was not delivered), one
    process, no traceback, no "Exception ignored" from a flush at exit."""
    tree = _tree(tmp_path / "tree", BAD_TRAIL, 3)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = _scan("scan", str(tree), "--select", "CT008", "--no-color", *extra, cwd=tmp_path,
                     stdout=write_end)
    finally:
        os.close(write_end)
    assert proc.returncode == 1
    assert proc.stderr == ""


def test_reader_stops_after_the_first_line(tmp_path: Path) -> None:
    """``trailscan ... | head -1`` as a real pipeline: the report is larger than the pipe."""
    tree = _tree(tmp_path / "tree", BAD_TRAIL, MANY)
    scan = subprocess.Popen(
        [sys.executable, "-m", "scanner", "scan", str(tree), "--select", "CT008", "--format", "json"],
        cwd=tmp_path, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    head = subprocess.run(["head", "-n", "1"], stdin=scan.stdout, capture_output=True, timeout=300, check=False)
    assert scan.stdout is not None and scan.stderr is not None
    scan.stdout.close()
    stderr = scan.stderr.read().decode()
    assert scan.wait(timeout=300) == 1
    assert head.stdout == b"{\n"
    assert stderr == ""


def test_debug_traceback_still_printed(tmp_path: Path) -> None:
    """An internal error with ``--debug`` prints its traceback (stderr is flushed before
    the process ends) and exits 2. The error is raised by a custom policy module, which
    trailscan runs as code by design (``--policies-dir``)."""
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "boom.py").write_text(
        "import scanner.cli.commands as commands\n"
        "from scanner.policy import policy\n\n"
        "def _publish(*args, **kwargs):\n"
        "    raise RuntimeError('publishing failed on purpose')\n\n"
        "commands.publish = _publish\n\n"
        "@policy(id='BOOM001', name='boom', severity='LOW')\n"
        "def boom(model):\n"
        '    """Nothing fails here\n\n    ## Why is this bad?\n    It is not.\n\n'
        '    ## How to fix\n    Terraform: nothing.\n    CloudFormation: nothing.\n    """\n'
        "    return ()\n",
        encoding="utf-8",
    )
    tree = _tree(tmp_path / "tree", BAD_TRAIL)
    args = ("scan", str(tree), "--select", "CT008", "--policies-dir", str(policies))
    quiet = _scan(*args, cwd=tmp_path)
    assert quiet.returncode == 2
    assert "internal error: RuntimeError: publishing failed on purpose" in quiet.stderr
    assert "Traceback" not in quiet.stderr
    debug = _scan(*args, "--debug", cwd=tmp_path)
    assert debug.returncode == 2
    assert debug.stderr.startswith("Traceback (most recent call last):")
    assert debug.stderr.rstrip().endswith("RuntimeError: publishing failed on purpose")


def test_python_dash_m_skips_the_interpreter_teardown(tmp_path: Path) -> None:
    """``python -m scanner`` ends with ``os._exit``: an ``atexit`` handler registered
    before it never runs, and the report is whole all the same."""
    tree = _tree(tmp_path / "tree", BAD_TRAIL)
    code = (
        "import atexit, runpy, sys\n"
        "atexit.register(lambda: print('TEARDOWN', file=sys.stderr))\n"
        "sys.argv = ['trailscan', 'scan', sys.argv[1], '--select', 'CT008', '--format', 'json']\n"
        "runpy.run_module('scanner', run_name='__main__', alter_sys=True)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(tree)], cwd=tmp_path, env=_env(),
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 1, proc.stderr
    assert "TEARDOWN" not in proc.stderr
    assert [f["id"] for f in json.loads(proc.stdout)["findings"]] == ["CT008"]


def test_console_script_uses_the_fast_exit(tmp_path: Path) -> None:
    """The installed ``trailscan`` command is ``scanner.cli.entry:run`` (the installed
    metadata, so a stale install fails here rather than running slow), and it works."""
    (script,) = entry_points(group="console_scripts", name="trailscan")
    assert script.value == "scanner.cli.entry:run"
    executable = Path(sys.executable).parent / "trailscan"
    if not executable.exists():
        pytest.skip(f"no trailscan script beside {sys.executable}")
    tree = _tree(tmp_path / "tree", BAD_TRAIL)
    proc = subprocess.run([str(executable), "scan", str(tree), "--select", "CT008", "--format", "json"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 1, proc.stderr
    assert [f["id"] for f in json.loads(proc.stdout)["findings"]] == ["CT008"]


def test_nothing_relies_on_interpreter_teardown() -> None:
    """``os._exit`` runs no ``atexit`` handler, no ``weakref.finalize``, no ``__del__``
    at exit, and does not wait for non-daemon threads: trailscan's code uses none of them
    (temporary files and directories are removed by the code that made them)."""
    pattern = re.compile(r"import atexit|atexit\.register|weakref\.finalize|def __del__|TemporaryDirectory|NamedTemporaryFile")
    offenders = []
    for base in ("scanner", "policies"):
        for path in sorted((ROOT / base).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


PROBE_POLICY = '''
import json, os, sys
from scanner.policy import policy


@policy(id="PROBE001", name="probe", severity="LOW")
def probe(model):
    """Reports what the process loaded

    ## Why is this bad?
    It is not.

    ## How to fix
    Terraform: nothing.
    CloudFormation: nothing.
    """
    import lark.utils, lark.lark
    seen = {"lark_utils_regex": lark.utils._has_regex, "lark_regex": lark.lark._has_regex,
            "regex_loaded": "regex" in sys.modules and sys.modules["regex"] is not None}
    import regex  # still importable afterwards (cfn-lint, for --cfn-lint, uses it)
    seen["regex_importable"] = hasattr(regex, "compile")
    with open(os.environ["TRAILSCAN_PROBE_OUT"], "w") as out:
        json.dump(seen, out)
    return ()
'''


def test_own_process_loads_lark_without_regex(tmp_path: Path) -> None:
    """The command line imports lark without its optional ``regex`` module (python-hcl2's
    parser never uses it), and ``regex`` stays importable; the scan is the same."""
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "probe.py").write_text(PROBE_POLICY, encoding="utf-8")
    tree = _tree(tmp_path / "tree", BAD_TRAIL)
    out = tmp_path / "seen.json"
    env = {**_env(), "TRAILSCAN_PROBE_OUT": str(out)}
    proc = subprocess.run(
        [sys.executable, "-m", "scanner", "scan", str(tree), "--select", "CT008,PROBE001", "--format", "json",
         "--policies-dir", str(policies), "--no-cache", "--jobs", "1"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert [f["id"] for f in json.loads(proc.stdout)["findings"]] == ["CT008"]
    assert json.loads(out.read_text()) == {
        "lark_utils_regex": False, "lark_regex": False, "regex_loaded": False, "regex_importable": True,
    }


def test_a_program_importing_trailscan_keeps_lark_whole(tmp_path: Path) -> None:
    """Not in trailscan's own process (``main`` called by another program): lark is
    imported as installed."""
    tree = _tree(tmp_path / "tree", BAD_TRAIL)
    code = (
        "import sys\nfrom scanner.cli import main\n"
        "main([sys.argv[1], '--format', 'json', '--no-cache'])\n"
        "import lark.utils\nprint(lark.utils._has_regex, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(tree)], cwd=tmp_path, env=_env(),
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.stderr.strip().splitlines()[-1] == "True", proc.stderr


def test_own_process_compiles_yaml_reader_pattern_on_first_use(tmp_path: Path) -> None:
    """In trailscan's own process PyYAML is imported with its pure-Python reader's
    pattern of non-printable characters compiled on first use (libyaml parses the
    templates): it then finds exactly what the compiled pattern finds, and the pure-Python
    loader still rejects such characters. Elsewhere PyYAML is imported as installed."""
    code = textwrap.dedent(
        """
        import json, re, sys
        from scanner.lifetime import claim_process
        if sys.argv[1] == "own":
            claim_process()
        from scanner.parsers import cloudformation
        cloudformation.load_cloudformation
        import yaml, yaml.reader
        deferred = yaml.reader.Reader.NON_PRINTABLE
        real = re.compile(cloudformation._NON_PRINTABLE)
        texts = ["plain", "tab\\tand\\nnewline", "bell\\x07", "\\ud800 lone", "\\ufffe", "emoji \\U0001F600", "\\x85\\xa0"]
        same = all((real.search(t) and real.search(t).span()) == (deferred.search(t) and deferred.search(t).span())
                   for t in texts)
        try:
            yaml.load("a: \\x07", Loader=yaml.SafeLoader)
            rejected = False
        except yaml.reader.ReaderError:
            rejected = True
        print(json.dumps({"type": type(deferred).__name__, "same": same, "rejected": rejected}))
        """
    )
    seen = {}
    for mode in ("own", "imported"):
        proc = subprocess.run([sys.executable, "-c", code, mode], cwd=tmp_path, env=_env(),
                              capture_output=True, text=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stderr
        seen[mode] = json.loads(proc.stdout.splitlines()[-1])
    assert seen["own"] == {"type": "_PatternOnFirstUse", "same": True, "rejected": True}
    assert seen["imported"] == {"type": "Pattern", "same": True, "rejected": True}
