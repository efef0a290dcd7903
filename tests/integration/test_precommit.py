"""The pre-commit hooks, run by the real pre-commit against a copy of this repository.

pre-commit installs a ``language: python`` hook with ``pip install .`` of the hook
repository into an isolated virtualenv, so this test also proves that the package builds
and declares its dependencies (it needs the package index and takes a while: one test
does everything with one shared pre-commit cache).

The hook repository is a fresh git repository holding this working tree's packaging files
(what ``git ls-files`` would commit), so the test checks the code as it is now, committed
or not.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Installs this package into a fresh virtualenv from the package index: slow, and needs it.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = {
    ".pre-commit-hooks.yaml",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "MANIFEST.in",
    "README.md",
    "LICENSE",
    "scanner",
    "policies",
}

pytest.importorskip("pre_commit", reason="pre-commit is not installed")

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}
ENV.pop("PRE_COMMIT", None)

GOOD = """\
resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = "logs"
  is_multi_region_trail      = true
  enable_logging             = true
  enable_log_file_validation = true
}
"""
BAD = GOOD.replace("enable_log_file_validation = true", "enable_log_file_validation = false")
NOT_OURS = "service: web\nreplicas: 3\n"
TRAIL_MODULE = """\
variable "log_group_arn" {
  type = string
}

resource "aws_cloudtrail" "this" {
  name                       = "main"
  s3_bucket_name             = "logs"
  is_multi_region_trail      = true
  enable_logging             = true
  enable_log_file_validation = true
  cloud_watch_logs_group_arn = "${var.log_group_arn}:*"
  cloud_watch_logs_role_arn  = "arn:aws:iam::123456789012:role/trail-to-logs"
}
"""
CALLER = """\
module "trail" {
  source        = "../../modules/trail"
  log_group_arn = "arn:aws:logs:us-east-1:123456789012:log-group:trail"
}
"""


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=ENV, capture_output=True, text=True, check=True
    ).stdout.strip()


def project_files() -> list[Path]:
    """Files this working tree would commit, limited to what packaging needs."""
    try:
        listed = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard").splitlines()
    except (subprocess.CalledProcessError, FileNotFoundError):
        listed = [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*") if p.is_file()]
    keep = []
    for name in listed:
        parts = Path(name).parts
        if parts[0] in PACKAGING and "__pycache__" not in parts and (ROOT / name).is_file():
            keep.append(Path(name))
    return sorted(keep)


def make_hook_repo(dest: Path) -> str:
    for rel in project_files():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    git(dest, "init", "--quiet", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "--quiet", "-m", "hook repo")
    return git(dest, "rev-parse", "HEAD")


def pre_commit(cwd: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env={**ENV, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=1800,
    )


def test_hooks_block_bad_changes_and_pass_good_ones(tmp_path: Path) -> None:
    """The staged-files hook (including a change inside a local module, checked through
    its caller) and the whole-repository hook, with the real pre-commit and git."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    rev = make_hook_repo(hooks)
    home = tmp_path / "cache"

    user = tmp_path / "user"
    (user / "infra").mkdir(parents=True)
    (user / "deploy").mkdir()
    git(user, "init", "--quiet", "-b", "main")
    (user / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hooks.as_posix()}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: trailscan\n"
        "      - id: trailscan-all\n",
        encoding="utf-8",
    )
    # The project's config narrows the policies (found by walking up from the files).
    (user / ".trailscan.toml").write_text('select = ["CT007", "CT008"]\n', encoding="utf-8")
    (user / "infra" / "main.tf").write_text(GOOD, encoding="utf-8")
    (user / "deploy" / "values.yaml").write_text(NOT_OURS, encoding="utf-8")
    git(user, "add", "-A")

    # try-repo, exactly as a hook author would try it, on the compliant module.
    tried = pre_commit(
        user, home, "try-repo", str(hooks), "trailscan", "--ref", rev, "--files", "infra/main.tf"
    )
    assert tried.returncode == 0, tried.stdout + tried.stderr
    assert "trailscan (CloudTrail IaC checks)" in tried.stdout and "Passed" in tried.stdout

    # The real flow: install the git hook and commit.
    installed = pre_commit(user, home, "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    ok = subprocess.run(
        ["git", "commit", "-m", "good"],
        cwd=user,
        env={**ENV, "PRE_COMMIT_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr

    # A bad change is blocked, with the finding and its location in the output.
    (user / "infra" / "main.tf").write_text(BAD, encoding="utf-8")
    git(user, "add", "infra/main.tf")
    blocked = subprocess.run(
        ["git", "commit", "-m", "bad"],
        cwd=user,
        env={**ENV, "PRE_COMMIT_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    out = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, out
    assert "CT008" in out and "infra/main.tf" in out
    assert git(user, "rev-list", "--count", "HEAD") == "1"

    # Only the staged content counts: an unstaged fix does not unblock the commit...
    (user / "infra" / "main.tf").write_text("# validated\n" + GOOD, encoding="utf-8")
    still = pre_commit(user, home, "run", "trailscan")
    assert still.returncode != 0 and "CT008" in still.stdout
    # ...staging it does.
    git(user, "add", "infra/main.tf")
    fixed = subprocess.run(
        ["git", "commit", "-m", "fixed"],
        cwd=user,
        env={**ENV, "PRE_COMMIT_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr

    # Files that are not ours (a YAML that is not a template) are nothing to do: exit 0.
    other = pre_commit(user, home, "run", "trailscan", "--files", "deploy/values.yaml")
    assert other.returncode == 0, other.stdout + other.stderr

    # The whole-repository hook sees the module and the not-ours file alike.
    (user / "infra" / "second.tf").write_text(BAD.replace('"main"', '"second"'), encoding="utf-8")
    whole = pre_commit(user, home, "run", "trailscan-all", "--all-files")
    assert whole.returncode != 0 and "aws_cloudtrail.second" in whole.stdout

    # A change inside a local module is checked through the roots that call it, with
    # their values. The regression of the issue: the ':*' suffix of the CloudWatch Logs
    # group ARN dropped inside modules/trail/main.tf (CT006 only with the caller's ARN).
    (user / ".trailscan.toml").write_text('select = ["CT006", "CT007", "CT008"]\n', encoding="utf-8")
    (user / "modules" / "trail").mkdir(parents=True)
    (user / "envs" / "prod").mkdir(parents=True)
    (user / "modules" / "trail" / "main.tf").write_text(TRAIL_MODULE, encoding="utf-8")
    (user / "envs" / "prod" / "main.tf").write_text(CALLER, encoding="utf-8")
    # An old finding in the root, committed before the hook (or with --no-verify).
    (user / "envs" / "prod" / "legacy.tf").write_text(BAD.replace('"main"', '"legacy"'), encoding="utf-8")
    (user / "infra" / "second.tf").unlink()
    # Only the staged-files hook from here on (trailscan-all would report the old finding).
    (user / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hooks.as_posix()}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: trailscan\n",
        encoding="utf-8",
    )
    git(user, "add", "-A")
    git(user, "commit", "--quiet", "--no-verify", "-m", "module and an old finding")
    before = git(user, "rev-list", "--count", "HEAD")

    (user / "modules" / "trail" / "main.tf").write_text(
        TRAIL_MODULE.replace('"${var.log_group_arn}:*"', "var.log_group_arn"), encoding="utf-8"
    )
    git(user, "add", "modules/trail/main.tf")
    blocked = subprocess.run(
        ["git", "commit", "-m", "break the module"],
        cwd=user,
        env={**ENV, "PRE_COMMIT_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    out = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, out
    assert "CT006" in out and "modules/trail/main.tf" in out and "module.trail" in out
    # The root's old finding is not part of this change.
    assert "legacy" not in out
    assert git(user, "rev-list", "--count", "HEAD") == before

    # Restoring the suffix unblocks the commit although the root's old finding remains.
    (user / "modules" / "trail" / "main.tf").write_text(
        TRAIL_MODULE.replace("is_multi_region_trail      = true", "is_multi_region_trail      = false"),
        encoding="utf-8",
    )
    git(user, "add", "modules/trail/main.tf")
    fine = subprocess.run(
        ["git", "commit", "-m", "module change without a regression"],
        cwd=user,
        env={**ENV, "PRE_COMMIT_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert fine.returncode == 0, fine.stdout + fine.stderr
