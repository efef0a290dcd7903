"""The cache between runs and the relevance pre-pass stay sound with what a unit reads
besides its own ``.tf`` files: terragrunt configurations (the parents they include, the
source module, the copy in ``.terragrunt-cache``), the configuration's per-unit
``inputs`` (their variables and parameter files), installed modules (``modules.json`` and
the files it points to), and the trails the configuration declares (``external_trails``).

Each tree is scanned with and without the pre-pass, and with the cache cold, warm, and
after each edit of one such input; every report must be the one a scan without the
cache gives, byte for byte. Every edit changes that report (so a stale entry could not
pass unnoticed), and a warm run must take every unit from the cache (so the comparison
is between a cached and a loaded model, not two loads).
"""

from __future__ import annotations

import json
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.config import Config, load_config
from scanner.discovery import discover
from scanner.external_trails import every_external_trail_record
from scanner.options import ScanOptions
from scanner.parsers import load_units
from scanner.parsers.batch.load import LoadStats
from scanner.reporters import RenderOptions, render
from scanner.scan import run_scan, unit_inputs

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
CONFIG = ".trailscan.toml"

Edit = tuple[str, Callable[[], None]]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


def _config(root: Path) -> Config:
    path = root / CONFIG
    return load_config(path) if path.is_file() else Config()


def _report(root: Path, cache: Path | None = None, *, prefilter: bool = True) -> str:
    options = ScanOptions(paths=(root,), root=root, config=_config(root), cache_dir=cache,
                          jobs=1, prefilter=prefilter)
    return render("json", run_scan(options), RenderOptions())


def _stats(root: Path, cache: Path | None) -> LoadStats:
    """What a load of ``root`` does, given what a scan gives each unit."""
    config = _config(root)
    options = ScanOptions(paths=(root,), root=root, config=config)
    found = discover([root], root, config.limits)
    stats = LoadStats()
    load_units(found.terraform_dirs, found.templates, root, plans=found.plans,
               inputs=unit_inputs([*found.terraform_dirs, *found.templates], root, config, options),
               limits=config.limits, cache_dir=cache, stats=stats,
               external_trails=every_external_trail_record(config, CONFIG))
    return stats


def _assert_sound(root: Path, cache: Path, edits: list[Edit]) -> None:
    """The same report with and without the pre-pass, with the cache cold and warm, and
    after each edit (each of which must change the report)."""
    expected = _report(root)
    assert _report(root, prefilter=False) == expected
    assert _report(root, cache) == expected  # cold: filling it
    warm = _stats(root, cache)
    assert warm.loaded == 0 and warm.cache_hits > 0, warm
    assert _report(root, cache) == expected  # warm: reading it
    for name, edit in edits:
        before = expected
        edit()
        expected = _report(root)
        assert expected != before, f"{name}: the edit must change the report"
        assert _report(root, cache) == expected, f"{name}: a stale cache entry was used"
        assert _report(root, prefilter=False) == expected, f"{name}: the pre-pass skipped a unit"
        assert _report(root, cache) == expected, f"{name}: the entry written after the edit"


# ---------------------------------------------------------------------------
# terragrunt
# ---------------------------------------------------------------------------

TRAIL_MODULE = """
variable "bucket" {}
variable "enable_logging" { default = true }
variable "multi_region" { default = false }
variable "validate" { default = false }
resource "aws_cloudtrail" "this" {
  name                          = "audit"
  s3_bucket_name                = var.bucket
  enable_logging                = var.enable_logging
  is_multi_region_trail         = var.multi_region
  enable_log_file_validation    = var.validate
  include_global_service_events = true
}
"""
# A root of buckets and nothing else: the pre-pass loads it only when some trail names
# one of them.
BUCKETS = """
resource "aws_s3_bucket" "audit" { bucket = "acme-audit-logs" }
resource "aws_s3_bucket_versioning" "audit" {
  bucket = aws_s3_bucket.audit.id
  versioning_configuration { status = "Enabled" }
}
"""


def _terragrunt_tree(root: Path) -> None:
    _write(root / "root.hcl", """
        locals { region = "eu-west-1" }
        inputs = {
          enable_logging = true
          bucket         = "acme-audit-logs"
        }
        """)
    _write(root / "live" / "prod" / "terragrunt.hcl", """
        include "root" {
          path   = find_in_parent_folders("root.hcl")
          expose = true
        }
        terraform {
          source = "../../modules//trail"
        }
        inputs = { multi_region = true }
        """)
    _write(root / "live" / "cached" / "terragrunt.hcl", """
        terraform {
          source = "git::https://example.com/acme/modules.git//trail?ref=v1"
        }
        inputs = { bucket = "cached-logs", multi_region = true }
        """)
    _write(root / "live" / "cached" / ".terragrunt-cache" / "abc" / "def" / "trail" / "main.tf",
           TRAIL_MODULE)
    _write(root / "modules" / "trail" / "main.tf", TRAIL_MODULE)
    _write(root / "buckets" / "main.tf", BUCKETS)


def test_terragrunt_roots_cached_and_prefiltered_like_loaded(tmp_path: Path) -> None:
    root, cache = tmp_path / "repo", tmp_path / "cache"
    _terragrunt_tree(root)
    prod = root / "live" / "prod"
    copy = root / "live" / "cached" / ".terragrunt-cache" / "abc" / "def" / "trail" / "main.tf"

    def edit(path: Path, old: str, new: str) -> Callable[[], None]:
        def run() -> None:
            text = path.read_text()
            assert old in text, (path, old)
            path.write_text(text.replace(old, new))
        return run

    edits: list[Edit] = [
        ("the included parent's inputs", edit(root / "root.hcl", "enable_logging = true",
                                             "enable_logging = false")),
        ("the child's inputs", edit(prod / "terragrunt.hcl", "multi_region = true", "multi_region = false")),
        ("the source module", edit(root / "modules" / "trail" / "main.tf",
                                   'variable "validate" { default = false }',
                                   'variable "validate" { default = true }')),
        ("a file added to the source module", lambda: _write(
            root / "modules" / "trail" / "logs.tf", 'resource "aws_cloudwatch_log_group" "g" {}\n')),
        ("terraform.tfvars next to terragrunt.hcl", lambda: _write(
            prod / "terraform.tfvars", "enable_logging = true\n")),
        ("a nearer parent for find_in_parent_folders", lambda: _write(root / "live" / "root.hcl", """
            locals { region = "us-east-1" }
            inputs = { bucket = "acme-audit-logs", validate = false }
            """)),
        ("the source", edit(prod / "terragrunt.hcl", '"../../modules//trail"', '"../../elsewhere//trail"')),
        ("the remote source's cached copy", edit(copy, "include_global_service_events = true",
                                                 "include_global_service_events = false")),
        ("a second cached copy", lambda: shutil.copytree(copy.parent.parent.parent,
                                                         copy.parent.parent.parent.parent / "ghi")),
    ]
    _assert_sound(root, cache, edits)


def test_a_bucket_named_only_through_terragrunt_inputs_is_loaded(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _terragrunt_tree(root)
    stats = _stats(root, None)
    assert stats.unread == 0  # the bucket root is drawn in by the terragrunt trail
    (root / "root.hcl").write_text((root / "root.hcl").read_text().replace("acme-audit-logs", "other"))
    assert _stats(root, None).unread == 1
    assert _report(root) == _report(root, prefilter=False)


# ---------------------------------------------------------------------------
# [[inputs]] of the configuration
# ---------------------------------------------------------------------------

ROOT_TRAIL = """
variable "bucket" {}
variable "multi_region" { default = false }
variable "validate" { default = false }
resource "aws_cloudtrail" "this" {
  name                          = "audit"
  s3_bucket_name                = var.bucket
  is_multi_region_trail         = var.multi_region
  enable_log_file_validation    = var.validate
  include_global_service_events = true
}
"""
TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  MultiRegion: {Type: String, Default: "false"}
  Bucket: {Type: String}
Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: true
      S3BucketName: !Ref Bucket
      IsMultiRegionTrail: !Ref MultiRegion
"""


def _inputs_tree(root: Path) -> None:
    _write(root / CONFIG, """
        [[inputs]]
        paths = ["live/*"]
        var_files = ["envs/common.tfvars"]

        [[inputs]]
        paths = ["live/prod"]
        var_files = ["envs/prod.tfvars"]
        variables = { multi_region = true }

        [[inputs]]
        paths = ["stacks/*.yaml"]
        parameter_files = ["params/prod.json"]
        """)
    _write(root / "envs" / "common.tfvars", 'validate = true\nbucket = "acme-common"\n')
    _write(root / "envs" / "prod.tfvars", 'bucket = "acme-audit-logs"\n')
    _write(root / "live" / "prod" / "main.tf", ROOT_TRAIL)
    _write(root / "buckets" / "main.tf", BUCKETS)
    _write(root / "stacks" / "trail.yaml", TEMPLATE)
    _write(root / "params" / "prod.json",
           '[{"ParameterKey": "Bucket", "ParameterValue": "cfn-logs"},'
           ' {"ParameterKey": "MultiRegion", "ParameterValue": "true"}]\n')


def test_per_unit_inputs_cached_and_prefiltered_like_loaded(tmp_path: Path) -> None:
    root, cache = tmp_path / "repo", tmp_path / "cache"
    _inputs_tree(root)
    common = root / "envs" / "common.tfvars"

    def replace(path: Path, old: str, new: str) -> Callable[[], None]:
        def run() -> None:
            text = path.read_text()
            assert old in text, (path, old)
            path.write_text(text.replace(old, new))
        return run

    edits: list[Edit] = [
        ("a shared variables file", replace(common, "validate = true", "validate = false")),
        ("a root's variables file", replace(root / "envs" / "prod.tfvars", "acme-audit-logs", "elsewhere")),
        ("a value in the configuration", replace(root / CONFIG, "multi_region = true", "multi_region = false")),
        ("a variables file removed", common.unlink),
        ("the variables file back", lambda: _write(common, 'validate = true\nbucket = "acme-common"\n')),
        ("the paths an entry matches", replace(root / CONFIG, 'paths = ["live/prod"]', 'paths = ["live/none"]')),
        ("a parameter file", replace(root / "params" / "prod.json", '"ParameterValue": "true"',
                                     '"ParameterValue": "false"')),
        ("a parameter file named", replace(root / CONFIG, '"params/prod.json"', '"params/other.json"')),
    ]
    _assert_sound(root, cache, edits)


def test_a_bucket_named_only_through_inputs_is_loaded(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _inputs_tree(root)
    assert _stats(root, None).unread == 0
    (root / "envs" / "prod.tfvars").write_text('bucket = "elsewhere"\n')
    assert _stats(root, None).unread == 1
    assert _report(root) == _report(root, prefilter=False)


# ---------------------------------------------------------------------------
# Installed modules
# ---------------------------------------------------------------------------


def _manifest(live: Path, directory: str) -> None:
    path = live / ".terraform" / "modules" / "modules.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"Modules": [
        {"Key": "", "Source": "", "Dir": "."},
        {"Key": "trail", "Source": "registry.terraform.io/acme/trail/aws", "Version": "1.0.0",
         "Dir": directory},
    ]}))


def test_installed_modules_cached_and_prefiltered_like_loaded(tmp_path: Path) -> None:
    root, cache = tmp_path / "repo", tmp_path / "cache"
    live = root / "live"
    _write(live / "main.tf", """
        module "trail" {
          source  = "acme/trail/aws"
          version = "1.0.0"
          bucket  = "acme-audit-logs"
        }
        """)
    installed = live / ".terraform" / "modules" / "trail"
    _write(installed / "main.tf", TRAIL_MODULE)
    _write(live / ".terraform" / "modules" / "other" / "main.tf",
           TRAIL_MODULE.replace('"audit"', '"other"'))
    _manifest(live, ".terraform/modules/trail")
    _write(root / "buckets" / "main.tf", BUCKETS)

    def replace(path: Path, old: str, new: str) -> Callable[[], None]:
        def run() -> None:
            text = path.read_text()
            assert old in text, (path, old)
            path.write_text(text.replace(old, new))
        return run

    edits: list[Edit] = [
        ("an installed module's file", replace(installed / "main.tf", "include_global_service_events = true",
                                               "include_global_service_events = false")),
        ("a file added to the installed module", lambda: _write(
            installed / "logs.tf", 'resource "aws_cloudwatch_log_group" "g" {}\n')),
        ("modules.json pointing elsewhere", lambda: _manifest(live, ".terraform/modules/other")),
        ("the directory it points to removed", lambda: shutil.rmtree(live / ".terraform" / "modules" / "other")),
        ("the directory back", lambda: shutil.copytree(installed, live / ".terraform" / "modules" / "other")),
        ("modules.json removed", (live / ".terraform" / "modules" / "modules.json").unlink),
    ]
    _assert_sound(root, cache, edits)


# ---------------------------------------------------------------------------
# Declared external trails and the cases of tests/cases/
# ---------------------------------------------------------------------------


def test_external_trails_name_records_for_the_pre_pass(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _write(root / CONFIG, """
        [[external_trails]]
        name = "org-trail"
        organization = true
        multi_region = true
        logging = true
        """)
    _write(root / "roles" / "main.tf", """
        resource "aws_iam_role" "r" {
          name               = "org-trail"
          assume_role_policy = "{}"
        }
        """)
    _write(root / "svc" / "main.tf", 'resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }\n')
    stats = _stats(root, None)
    assert (stats.loaded, stats.unread) == (1, 1)  # the role could be named by the trail
    assert _report(root) == _report(root, prefilter=False)


def _case_dirs() -> list[Path]:
    return sorted(p for group in CASES.iterdir() if group.is_dir() for p in group.iterdir() if p.is_dir())


@pytest.mark.slow
@pytest.mark.parametrize("case", _case_dirs(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_case_reports_the_same_prefiltered_cold_and_warm(case: Path, tmp_path: Path) -> None:
    root = tmp_path / case.name
    shutil.copytree(case, root, symlinks=True)
    cache = tmp_path / "cache"
    expected = _report(root)
    assert _report(root, prefilter=False) == expected
    assert _report(root, cache) == expected
    assert _report(root, cache) == expected
