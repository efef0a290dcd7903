"""Every hostile input in ``tests/bad_inputs/`` costs exactly its own file a CT901 (or is
parsed), and never the rest of the scan: the good sibling units still get their CT008.

Every scan runs under the hang guard (``tests/guards.py``): an input that makes the scan
hang or blow up is a failure with the bound it crossed, never a stuck CI. The subprocess
runs also check the terminal output: no raw control character, no line of a file outside
the root. The configuration and baseline cases expect a message and exit 2.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest
from guards import run_cli_guarded, run_guarded

from scanner.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def _load_cases() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bad_input_cases", ROOT / "tests" / "bad_inputs" / "cases.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


cases = _load_cases()
GOOD_CT008 = {
    ("good_tf/main.tf", 4),
    ("good_tf/main.tf", 7),
    ("good_cfn.yaml", 8),
    ("good_cfn.yaml", 9),
}


def build_tree(tmp_path: Path, case: cases.Case) -> Path:  # type: ignore[name-defined]
    """The scan root: the bad case under ``bad/`` plus two good units that fail CT008."""
    if case.needs_non_root and (os.geteuid() == 0 if hasattr(os, "geteuid") else False):
        pytest.skip("running as root: a chmod 000 file is still readable")
    if case.needs_posix_names and sys.platform == "win32":
        pytest.skip("control characters are not allowed in Windows file names")
    root = tmp_path / "scan"
    (root / "good_tf").mkdir(parents=True)
    shutil.copyfile(SAMPLES / "terraform/CT008/fail/main.tf", root / "good_tf/main.tf")
    shutil.copyfile(SAMPLES / "cloudformation/CT008/fail.yaml", root / "good_cfn.yaml")
    try:
        case.build(root)
    except (OSError, NotImplementedError) as exc:
        if case.needs_symlinks:
            pytest.skip(f"symlinks not available here: {exc}")
        raise
    if case.needs_non_root:
        locked = [p for p in (root / "bad").rglob("*") if p.is_file() and not p.is_symlink()]
        if any(os.access(p, os.R_OK) for p in locked if p.stat().st_mode & 0o777 == 0):
            pytest.skip("this user can read chmod 000 files")
    return root


def check_report(case: cases.Case, report: dict, code: int, stderr: str) -> None:  # type: ignore[name-defined]
    assert "Traceback" not in stderr
    findings = report["findings"]
    ct008 = {(f["path"], f["line"]) for f in findings if f["id"] == "CT008"}
    assert GOOD_CT008 <= ct008, "the good siblings were not fully scanned"
    bad_901 = [f for f in findings if f["id"] == "CT901" and f["path"].startswith("bad/")]
    assert not [f for f in findings if f["id"] == "CT900"]
    # No report ever names a file outside the scan root.
    for f in findings:
        assert not f["path"].startswith(("..", "/")), f
    for name in ("scanned", "not_ours", "failed"):
        assert all(not p.startswith(("..", "/")) for p in report["files"][name])
    if case.clean:
        assert bad_901 == []
    for expected in case.expect:
        hits = [
            f for f in bad_901
            if f["path"] == expected.path
            and (expected.line is None or f["line"] == expected.line)
            and expected.fragment.lower() in f["message"].lower()
        ]
        assert hits, f"missing CT901 {expected} in {bad_901}"
        assert expected.path in report["files"]["failed"]
    # ...and nothing else: every CT901 under bad/ is one the case expects.
    unexpected = [
        f for f in bad_901
        if not any(
            f["path"] == e.path
            and (e.line is None or f["line"] == e.line)
            and e.fragment.lower() in f["message"].lower()
            for e in case.expect
        )
    ]
    assert not unexpected, f"unexpected CT901 {unexpected}"
    for path in case.scanned:
        assert path in report["files"]["scanned"]
    # Nothing from the decoy outside the root ever shows up.
    assert not any("outside" in (f["resource"] or "").lower() and f["id"] != "CT901"
                   for f in findings)
    assert code == 1
    assert report["summary"]["exit_code"] == 1


# Generous hang guards for one whole scan (the 50 MB cases included), not speed limits.
SCAN_CPU_SECONDS = 120
SCAN_MEMORY_BYTES = 3 * 1024**3
SCAN_WALL_SECONDS = 600


def _scan_json(root: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["scan", str(root), "--root", str(root), "--format", "json"])
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("case", cases.CASES, ids=lambda c: c.name)
def test_bad_input_in_process(case: cases.Case, tmp_path: Path) -> None:  # type: ignore[name-defined]
    root = build_tree(tmp_path, case)
    code, out, err = run_guarded(_scan_json, root, cpu_seconds=SCAN_CPU_SECONDS,
                                 memory_bytes=SCAN_MEMORY_BYTES, wall_seconds=SCAN_WALL_SECONDS)
    check_report(case, json.loads(out), code, err)
    if case.max_report_bytes is not None:
        assert len(out.encode()) < case.max_report_bytes


CLI_CASES = [c for c in cases.CASES if "cli" in c.tags]
# Raw characters that must never reach a terminal (newline is the reporter's own).
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@pytest.mark.parametrize("case", CLI_CASES, ids=lambda c: c.name)
def test_bad_input_cli_subprocess(case: cases.Case, tmp_path: Path) -> None:  # type: ignore[name-defined]
    """The real entry point: exit code, a clean stderr (no traceback), and a text report
    that is safe to print: no raw control character, nothing read outside the root."""
    root = build_tree(tmp_path, case)
    limits = {"cpu_seconds": SCAN_CPU_SECONDS, "wall_seconds": SCAN_WALL_SECONDS}
    proc = run_cli_guarded(["scan", str(root), "--root", str(root), "--format", "json"], **limits)
    check_report(case, json.loads(proc.stdout), proc.returncode, proc.stderr)
    if case.max_report_bytes is not None:
        assert len(proc.stdout.encode()) < case.max_report_bytes
    text = run_cli_guarded(["scan", str(root), "--root", str(root), "--no-color"], **limits)
    assert text.returncode == 1 and "Traceback" not in text.stderr
    assert not UNSAFE.search(text.stdout)
    assert cases.DECOY_MARK not in text.stdout


def test_policy_larger_than_aws_accepts_is_unknown(tmp_path: Path) -> None:
    (tmp_path / "trail.yaml").write_text(cases.param_in_policy_template())
    code, out, _ = run_guarded(_scan_json, tmp_path, cpu_seconds=SCAN_CPU_SECONDS,
                               memory_bytes=SCAN_MEMORY_BYTES, wall_seconds=SCAN_WALL_SECONDS)
    report = json.loads(out)
    [ct101] = [e for e in report["evaluations"] if e["policy"] == "CT101"]
    assert ct101["status"] == "unknown"
    assert "more than any AWS policy accepts" in ct101["reason"]
    assert code == 1  # CT008 fails: the rest of the trail is still checked


def test_python_object_tag_never_runs(tmp_path: Path) -> None:
    marker = Path("/tmp/trailscan-pwned")
    marker.unlink(missing_ok=True)
    case = next(c for c in cases.CASES if c.name == "cfn_python_object")
    root = build_tree(tmp_path, case)
    main(["scan", str(root), "--root", str(root), "--format", "json", "--quiet"])
    assert not marker.exists()


def test_only_bad_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every file is a CT901: a scan happened and found problems, so exit 1 (the README's
    table), not 2 -- 2 is for usage errors and directories with nothing scannable."""
    root = tmp_path / "scan"
    root.mkdir()
    shutil.copyfile(ROOT / "tests/bad_inputs/cfn_tabs.yaml", root / "tabs.yaml")
    code = main(["scan", str(root), "--root", str(root), "--format", "json"])
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert code == 1
    assert report["summary"]["exit_code"] == 1
    assert [f["path"] for f in report["findings"] if f["id"] == "CT901"] == ["tabs.yaml"]
    assert "Traceback" not in err
    # Even when the CT901 is not blocking by severity, it still fails the run.
    assert main(["scan", str(root), "--root", str(root), "--fail-on", "critical", "-q"]) == 1


@pytest.mark.parametrize("case", cases.CONFIG_CASES, ids=lambda c: c.name)
def test_config_and_baseline_case(case: cases.ConfigCase, tmp_path: Path) -> None:  # type: ignore[name-defined]
    """A wrong configuration or baseline is a message and exit 2 (never "internal error");
    a scan whose every file is a CT901 is exit 1."""
    if case.needs_fifo and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    root = tmp_path / "scan"
    (root / "good_tf").mkdir(parents=True)
    (root / ".git").mkdir()  # the configuration search stops here
    shutil.copyfile(SAMPLES / "terraform/CT008/fail/main.tf", root / "good_tf/main.tf")
    shutil.copyfile(SAMPLES / "cloudformation/CT008/fail.yaml", root / "good_cfn.yaml")
    extra = case.build(root)
    proc = run_cli_guarded(["scan", ".", "--format", "json", *extra], cwd=root, wall_seconds=120)
    assert proc.returncode == case.exit_code, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    if case.fragment:
        assert proc.stderr.startswith("trailscan: error: ") and case.fragment in proc.stderr, proc.stderr
    else:
        assert "error" not in proc.stderr


def test_corpus_readme_lists_every_case() -> None:
    readme = (ROOT / "tests/bad_inputs/README.md").read_text()
    for case in (*cases.CASES, *cases.CONFIG_CASES):
        assert f"`{case.name}`" in readme, case.name


def test_heredoc_text_is_no_suppression(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Comment-looking text inside a heredoc or a string waives nothing."""
    case = next(c for c in cases.CASES if c.name == "tf_comment_in_heredoc")
    root = build_tree(tmp_path, case)
    main(["scan", str(root), "--root", str(root), "--format", "json", "--select", "CT008"])
    report = json.loads(capsys.readouterr().out)
    ours = [f for f in report["findings"] if f["path"] == "bad/heredoc_comment/main.tf"]
    assert [(f["id"], f["resource"], f["suppressed"]) for f in ours] == [
        ("CT008", "aws_cloudtrail.heredoc", False)
    ]


def test_duplicate_resource_keeps_the_first_declaration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = next(c for c in cases.CASES if c.name == "tf_duplicate_resource_two_files")
    root = build_tree(tmp_path, case)
    main(["scan", str(root), "--root", str(root), "--format", "json", "--select", "CT008"])
    report = json.loads(capsys.readouterr().out)
    evaluations = [e for e in report["evaluations"] if e["subject"] == "aws_cloudtrail.dup"]
    # a.tf says validation is on; b.tf is the rejected duplicate and is not what is checked
    assert [(e["status"], e["path"]) for e in evaluations] == [("pass", "bad/dup/a.tf")]
