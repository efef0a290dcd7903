"""``trailscan diff --base REF``: regressions of the working tree against a git revision."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from scanner.options import ScanOptions
from scanner.regressions import GitError, base_worktree, compare, repo_root, resolve_ref, run_diff
from scanner.results import Waiver, WaiverKind
from scanner.scan import run_scan

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def trail_tf(name: str, validation: bool = True, logging: bool = True) -> str:
    return (
        f'resource "aws_cloudtrail" "{name}" {{\n'
        f'  name                       = "{name}"\n'
        '  s3_bucket_name             = "logs"\n'
        "  is_multi_region_trail      = true\n"
        f"  enable_logging             = {str(logging).lower()}\n"
        f"  enable_log_file_validation = {str(validation).lower()}\n"
        "}\n"
    )


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=repo, env=ENV, capture_output=True, text=True, check=True
    )
    return proc.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "infra").mkdir(parents=True)
    git(root, "init", "--quiet", "-b", "main")
    (root / "infra" / "main.tf").write_text(trail_tf("main"), encoding="utf-8")
    (root / "README.md").write_text("x\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "base")
    return root


def cli(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scanner", "diff", *args],
        cwd=repo,
        env={**ENV, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def worktrees(repo: Path) -> list[str]:
    return [
        line
        for line in git(repo, "worktree", "list", "--porcelain").splitlines()
        if line.startswith("worktree ")
    ]


def test_no_change_no_regression(repo: Path) -> None:
    proc = cli(repo, "--base", "HEAD", "--select", "CT008")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no regressions" in proc.stdout
    assert len(worktrees(repo)) == 1


def test_pass_to_fail_is_a_regression(repo: Path) -> None:
    (repo / "infra" / "main.tf").write_text(trail_tf("main", validation=False), encoding="utf-8")
    proc = cli(repo, "--base", "main", "--select", "CT008")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "1 regression" in proc.stdout
    assert "PASS->FAIL" in proc.stdout and "CT008" in proc.stdout
    assert "infra/main.tf:6" in proc.stdout


def test_existing_finding_is_not_a_regression(repo: Path) -> None:
    (repo / "infra" / "main.tf").write_text(trail_tf("main", validation=False), encoding="utf-8")
    git(repo, "commit", "--quiet", "-am", "already bad")
    (repo / "infra" / "main.tf").write_text(
        "# moved\n" + trail_tf("main", validation=False), encoding="utf-8"
    )
    proc = cli(repo, "--base", "HEAD", "--select", "CT008")
    assert proc.returncode == 0, proc.stdout
    # ...but a new non-compliant trail is.
    (repo / "infra" / "extra.tf").write_text(trail_tf("extra", validation=False), encoding="utf-8")
    proc = cli(repo, "--base", "HEAD", "--select", "CT008", "--format", "json")
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert [(r["kind"], r["id"], r["resource"]) for r in data["regressions"]] == [
        ("new", "CT008", "aws_cloudtrail.extra")
    ]
    assert data["summary"]["exit_code"] == 1


def test_removed_trail_is_a_regression(repo: Path) -> None:
    (repo / "infra" / "main.tf").write_text("# no trail any more\n", encoding="utf-8")
    proc = cli(repo, "--base", "HEAD", "--select", "CT008")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "REMOVED" in proc.stdout and "aws_cloudtrail.main" in proc.stdout


def test_fix_is_reported_as_fixed_not_regression(repo: Path) -> None:
    (repo / "infra" / "main.tf").write_text(trail_tf("main", validation=False), encoding="utf-8")
    git(repo, "commit", "--quiet", "-am", "bad")
    (repo / "infra" / "main.tf").write_text(trail_tf("main"), encoding="utf-8")
    proc = cli(repo, "--base", "HEAD", "--select", "CT008", "--format", "json")
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert [f["id"] for f in data["fixed"]] == ["CT008"]


def test_cloudtrail_disabled_caught_in_review(repo: Path) -> None:
    """The seed's scenario: a change flips enable_logging to false."""
    (repo / "infra" / "main.tf").write_text(trail_tf("main", logging=False), encoding="utf-8")
    proc = cli(repo, "--base", "HEAD")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert any("PASS->FAIL" in line and "CT007" in line for line in proc.stdout.splitlines())


def test_path_argument_and_subdirectory(repo: Path) -> None:
    (repo / "infra" / "main.tf").write_text(trail_tf("main", validation=False), encoding="utf-8")
    proc = cli(repo, "--base", "HEAD", "--select", "CT008", "infra")
    assert proc.returncode == 1
    assert "infra/main.tf" in proc.stdout


def test_new_directory_absent_in_base(repo: Path) -> None:
    (repo / "new").mkdir()
    (repo / "new" / "t.tf").write_text(trail_tf("n", validation=False), encoding="utf-8")
    proc = cli(repo, "--base", "HEAD", "--select", "CT008", "new")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "NEW" in proc.stdout


def test_bad_ref_is_usage_error(repo: Path) -> None:
    proc = cli(repo, "--base", "no-such-branch")
    assert proc.returncode == 2
    assert "unknown revision 'no-such-branch'" in proc.stderr
    assert len(worktrees(repo)) == 1


def test_not_a_git_repo_is_usage_error(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(trail_tf("main"), encoding="utf-8")
    proc = cli(tmp_path, "--base", "HEAD")
    assert proc.returncode == 2
    assert "not inside a git repository" in proc.stderr


def test_unsupported_format_is_usage_error(repo: Path) -> None:
    proc = cli(repo, "--base", "HEAD", "--format", "sarif")
    assert proc.returncode == 2 and "diff supports --format" in proc.stderr


def test_worktree_removed_even_on_error(repo: Path) -> None:
    commit = resolve_ref(repo_root(repo), "HEAD")
    seen: list[Path] = []
    with pytest.raises(RuntimeError), base_worktree(repo, commit) as tree:
        seen.append(tree)
        assert (tree / "infra" / "main.tf").is_file()
        raise RuntimeError("boom")
    assert not seen[0].exists() and not seen[0].parent.exists()
    assert len(worktrees(repo)) == 1


def test_worktree_removed_when_base_scan_raises(repo: Path) -> None:
    calls: list[Path] = []

    def scan(options: ScanOptions):
        calls.append(options.paths[0])
        if len(calls) == 2:
            raise RuntimeError("base scan failed")
        return run_scan(options)

    options = ScanOptions(paths=(repo,), root=repo, select=("CT008",))
    with pytest.raises(RuntimeError):
        run_diff(options, "HEAD", scan=scan)
    assert len(calls) == 2 and not calls[1].exists()
    assert len(worktrees(repo)) == 1


def test_bad_ref_raises_git_error(repo: Path) -> None:
    with pytest.raises(GitError):
        resolve_ref(repo, "--output=/tmp/x")
    with pytest.raises(GitError):
        resolve_ref(repo, "deadbeef" * 5)


def test_compare_is_pure_and_deterministic(tmp_path: Path) -> None:
    a = tmp_path / "a"
    b = tmp_path / "b"
    for d in (a, b):
        d.mkdir()
    (a / "main.tf").write_text(trail_tf("main") + trail_tf("gone"), encoding="utf-8")
    (b / "main.tf").write_text(
        trail_tf("main", validation=False) + trail_tf("new", validation=False)
    )
    base = run_scan(ScanOptions(paths=(a,), root=a, select=("CT008",)))
    head = run_scan(ScanOptions(paths=(b,), root=b, select=("CT008",)))
    diff = compare(base, head, base_ref="x", base_commit="0" * 40)
    assert [t.ref for t in diff.removed_trails] == ["aws_cloudtrail.gone"]
    assert [(r.kind, r.finding.resource) for r in diff.regressions] == [
        ("pass->fail", "aws_cloudtrail.main"),
        ("new", "aws_cloudtrail.new"),
    ]
    assert diff.exit_code() == 1
    assert compare(base, head, base_ref="x", base_commit="0" * 40) == diff
    # Suppressed findings in the head are not regressions.
    quiet = replace(
        head, findings=[replace(f, suppressed=True, suppression=Waiver(WaiverKind.INLINE, "r")) for f in head.findings]
    )
    assert compare(base, quiet).regressions == []


def test_normal_scan_never_runs_a_subprocess(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError(f"subprocess during a scan: {args}")

    monkeypatch.setattr(subprocess, "run", refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(os, "system", refuse)
    result = run_scan(ScanOptions(paths=(repo,), root=repo))
    assert result.units
