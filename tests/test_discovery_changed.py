"""``--changed-files`` (the pre-commit hook): a changed file is checked through every unit
that loads it, with that unit's values, and only its own findings are reported."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.discovery import discover, search_root
from scanner.limits import Limits

ROOT = Path(__file__).resolve().parent.parent
CT008_YAML = (ROOT / "samples/cloudformation/CT008/fail.yaml").read_text(encoding="utf-8")

GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:trail"
ROLE = "arn:aws:iam::123456789012:role/trail-to-logs"

TRAIL_MODULE = """\
variable "log_group_arn" {
  type = string
}

variable "role_arn" {
  type = string
}

resource "aws_cloudtrail" "this" {
  name                       = "main"
  s3_bucket_name             = "logs"
  is_multi_region_trail      = true
  enable_log_file_validation = true
  cloud_watch_logs_group_arn = "${var.log_group_arn}:*"
  cloud_watch_logs_role_arn  = var.role_arn
}
"""
# The regression of the issue: the ':*' suffix dropped inside the module. Only the
# caller's value shows it is a log-group ARN CloudTrail rejects (CT006).
BROKEN_MODULE = TRAIL_MODULE.replace('"${var.log_group_arn}:*"', "var.log_group_arn")

CALLER = f"""\
module "trail" {{
  source        = "{{source}}"
  log_group_arn = "{GROUP}"
  role_arn      = "{ROLE}"
}}
"""
OLD_FINDING = """\
resource "aws_cloudtrail" "legacy" {
  name                       = "legacy"
  s3_bucket_name             = "old-logs"
  is_multi_region_trail      = true
  enable_log_file_validation = false
}
"""


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """envs/prod calls modules/trail directly, envs/stage through modules/wrapper;
    envs/prod also holds an old CT008 of its own; modules/orphan is called by nobody."""
    root = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    _write(root / ".trailscan.toml", 'select = ["CT006", "CT008"]\n')
    _write(root / "modules/trail/main.tf", BROKEN_MODULE)
    _write(root / "modules/wrapper/main.tf", CALLER.replace("{source}", "../trail"))
    _write(root / "envs/prod/main.tf", CALLER.replace("{source}", "../../modules/trail"))
    _write(root / "envs/prod/legacy.tf", OLD_FINDING)
    _write(root / "envs/stage/main.tf", 'module "wrapped" {\n  source = "../../modules/wrapper"\n}\n')
    _write(root / "modules/orphan/main.tf", OLD_FINDING)
    _write(root / "other/main.tf", OLD_FINDING)
    return root


def _scan(cwd: Path, *args: str) -> tuple[int, dict]:
    out = io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out):
        code = main(["scan", "--format", "json", *args])
    return code, json.loads(out.getvalue())


def _read(report: dict) -> set[str]:
    """The files the scan read (the units' files)."""
    return {*report["files"]["scanned"], *report["files"]["failed"]}


def _found(report: dict) -> set[tuple[str, str, str]]:
    return {(f["id"], f["path"], f["resource"]) for f in report["findings"]}


def test_a_module_file_is_checked_through_every_root_that_calls_it(repo: Path) -> None:
    code, report = _scan(repo, "--changed-files", "modules/trail/main.tf")
    assert code == 1
    assert _found(report) == {
        ("CT006", "modules/trail/main.tf", "module.trail.aws_cloudtrail.this"),
        ("CT006", "modules/trail/main.tf", "module.wrapped.module.trail.aws_cloudtrail.this"),
    }
    assert _read(report) == {"envs/prod/main.tf", "envs/prod/legacy.tf", "envs/stage/main.tf",
                             "modules/wrapper/main.tf", "modules/trail/main.tf"}
    # The same change scanned as if the module were a root passes: the values are unknown.
    code, report = _scan(repo, "modules/trail/main.tf")
    assert code == 0 and _found(report) == set()


def test_only_findings_of_the_changed_files_are_reported(repo: Path) -> None:
    """envs/prod is scanned (it calls the module) but its old CT008 in legacy.tf is not
    part of the change; staging legacy.tf reports it."""
    _write(repo / "modules/trail/main.tf", TRAIL_MODULE)
    code, report = _scan(repo, "--changed-files", "modules/trail/main.tf")
    assert code == 0 and _found(report) == set()
    code, report = _scan(repo, "--changed-files", "envs/prod/legacy.tf")
    assert code == 1
    assert _found(report) == {("CT008", "envs/prod/legacy.tf", "aws_cloudtrail.legacy")}
    assert _read(report) == {"envs/prod/main.tf", "envs/prod/legacy.tf", "modules/trail/main.tf"}


def test_a_module_called_by_no_root_is_a_root(repo: Path) -> None:
    code, report = _scan(repo, "--changed-files", "modules/orphan/main.tf")
    assert code == 1
    assert _found(report) == {("CT008", "modules/orphan/main.tf", "aws_cloudtrail.legacy")}


def test_files_that_are_not_ours_are_nothing_to_do(repo: Path) -> None:
    _write(repo / "deploy/values.yaml", "replicas: 3\n")
    _write(repo / "README.md", "hello\n")
    code, report = _scan(repo, "--changed-files", "deploy/values.yaml", "README.md")
    assert code == 0
    assert report["files"]["not_ours"] == ["README.md", "deploy/values.yaml"]


def test_a_nested_template_is_checked_through_its_parent(repo: Path) -> None:
    _write(repo / "stacks/trail.yaml", CT008_YAML)
    _write(repo / "stacks/parent.yaml", (
        'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Trail:\n'
        "    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./trail.yaml\n"
    ))
    found = discover([repo], repo, Limits(), changed=[repo / "stacks/trail.yaml"])
    assert found.templates == [(repo / "stacks/parent.yaml").resolve()]
    assert found.terraform_dirs == []
    code, report = _scan(repo, "--changed-files", "stacks/trail.yaml")
    assert code == 1
    assert {(f["path"], f["resource"]) for f in report["findings"]} == {
        ("stacks/trail.yaml", "Trail.ExplicitFalse"), ("stacks/trail.yaml", "Trail.Omitted")
    }


def test_the_search_starts_at_the_work_tree_root(repo: Path, tmp_path: Path) -> None:
    assert search_root([repo / "modules/trail/main.tf"]) == repo.resolve()
    # From a subdirectory the callers are still found, and paths stay repository-relative.
    code, report = _scan(repo / "modules", "--changed-files", "trail/main.tf")
    assert code == 1 and {f["path"] for f in report["findings"]} == {"modules/trail/main.tf"}
    # Outside a git work tree: the configuration file's directory.
    plain = tmp_path / "plain"
    _write(plain / ".trailscan.toml", "")
    _write(plain / "a/b/main.tf", "")
    assert search_root([plain / "a/b/main.tf"], str(plain / ".trailscan.toml")) == plain.resolve()
    assert search_root([plain / "a/b/main.tf"]) == (plain / "a/b").resolve()


def test_excluded_roots_are_not_searched(repo: Path) -> None:
    """The hook scans what a full scan would: the ignores apply to the repository."""
    _write(repo / ".gitignore", "envs/stage/\n")
    code, report = _scan(repo, "--changed-files", "modules/trail/main.tf")
    # modules/wrapper is now called by no root that is scanned: it is a root of its own.
    assert _read(report) == {"envs/prod/main.tf", "envs/prod/legacy.tf", "modules/trail/main.tf",
                             "modules/wrapper/main.tf"}
    # Two units with the same address: each trail is named with its unit.
    assert {f["resource"] for f in report["findings"]} == {
        "module.trail.aws_cloudtrail.this (envs/prod)",
        "module.trail.aws_cloudtrail.this (modules/wrapper)",
    }
    code, report = _scan(repo, "--changed-files", "other/main.tf", "--exclude", "other/")
    assert code == 0 and _read(report) == set()
