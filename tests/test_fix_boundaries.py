"""What ``trailscan fix`` never edits, whatever it finds there: files outside the scanned
root, a symbolic link, terragrunt's and ``terraform init``'s copies of remote modules, a
Terraform plan (or the ``.tf`` files a plan stands for), a default that other roots share,
an event data store's key, a trail declared in the configuration. Each is a finding left
with its reason, and the tree is byte-identical after a writing run."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from fix_harness import run_fix, tree

from scanner.cli import main
from scanner.config import Config
from scanner.fixing.run import fix
from scanner.options import ScanOptions
from scanner.parsers.terraform import load_terraform
from scanner.scan import run_scan

TESTS = Path(__file__).resolve().parent
PLANS = TESTS / "plans"
PLAN_ROOTS = TESTS / "plan_roots"

TRAIL = """\
resource "aws_cloudtrail" "this" {
  name                       = "audit"
  s3_bucket_name             = "logs"
  enable_log_file_validation = false
}
"""


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix().encode()
        if path.is_symlink():
            h.update(rel + b"\0link\0" + str(path.readlink()).encode())
        elif path.is_file():
            h.update(rel + b"\0" + path.read_bytes())
    return h.hexdigest()


def _fix_in(root: Path, scanned: Path, select: tuple[str, ...]) -> list[tuple[str, bool, str]]:
    """Fix (writing) what a scan of ``scanned`` reports, paths relative to ``root``."""
    import time

    options = ScanOptions(paths=(scanned,), root=root, select=select, config=Config())
    started = time.time_ns()
    run = fix(run_scan(options), options, started, write=True)
    return [(o.finding.span.path, o.fixed, o.detail) for o in run.outcomes]


# ---------------------------------------------------------------------------
# Where the files are
# ---------------------------------------------------------------------------


def test_a_module_outside_the_scanned_root_is_not_edited(tmp_path: Path) -> None:
    tree(tmp_path, {
        "modules/trail/main.tf": TRAIL,
        "live/prod/main.tf": 'module "trail" {\n  source = "../../modules/trail"\n}\n',
    })
    before = _digest(tmp_path)
    # Scanned with live/ as the root, the module is not read (a CT901 says so): nothing to fix.
    assert _fix_in(tmp_path / "live", tmp_path / "live" / "prod", ("CT008",)) == []
    assert _digest(tmp_path) == before
    # Scanned from the repository's root, the same module is inside it, and fixed.
    outcomes = _fix_in(tmp_path, tmp_path / "live" / "prod", ("CT008",))
    assert [(path, ok) for path, ok, _ in outcomes] == [("modules/trail/main.tf", True)]
    assert "enable_log_file_validation = true" in (tmp_path / "modules/trail/main.tf").read_text()


def test_a_file_linked_from_outside_the_root_is_not_edited(tmp_path: Path) -> None:
    outside = tree(tmp_path / "elsewhere", {"trail.tf": TRAIL})
    root = tmp_path / "repo"
    root.mkdir()
    (root / "main.tf").symlink_to(outside / "trail.tf")
    before, outside_before = _digest(root), _digest(outside)
    fixed = run_fix(root, select=("CT008",), write=True)
    assert fixed.run.texts == {}
    assert all(not o.fixed for o in fixed.run.outcomes)
    assert all("outside the scanned root" in o.detail for o in fixed.run.outcomes)
    assert (root / "main.tf").is_symlink()
    assert (_digest(root), _digest(outside)) == (before, outside_before)


# ---------------------------------------------------------------------------
# Copies of remote modules
# ---------------------------------------------------------------------------


def test_terragrunts_copy_of_a_remote_module_is_not_edited(tmp_path: Path) -> None:
    tree(tmp_path, {
        "live/prod/terragrunt.hcl": (
            'terraform {\n  source = "git::https://github.com/acme/modules.git//trail?ref=v1"\n}\n'
        ),
        "live/prod/.terragrunt-cache/abc/def/trail/main.tf": TRAIL,
    })
    before = _digest(tmp_path)
    fixed = run_fix(tmp_path, select=("CT008",), write=True)
    ok, why = fixed.outcome("CT008")
    assert not ok
    assert why == ("live/prod/.terragrunt-cache/abc/def/trail/main.tf is terragrunt's copy of a "
                   "remote module (.terragrunt-cache)")
    assert _digest(tmp_path) == before


def test_a_module_terragrunt_runs_keeps_its_defaults(tmp_path: Path) -> None:
    """A module terragrunt runs as a root may serve other roots: its variable defaults are
    not the root's own, so a value from one is not fixed by changing the default."""
    module = TRAIL.replace("enable_log_file_validation = false", "enable_log_file_validation = var.validate")
    tree(tmp_path, {
        "modules/trail/main.tf": module + 'variable "validate" {\n  type    = bool\n  default = false\n}\n',
        "live/prod/terragrunt.hcl": 'terraform {\n  source = "../../modules/trail"\n}\n',
        "live/staging/terragrunt.hcl": 'terraform {\n  source = "../../modules/trail"\n}\n',
    })
    model = load_terraform(tmp_path / "live" / "prod", tmp_path)
    attr = model.trails[0].log_file_validation
    assert attr.value is False and attr.via == "" and attr.via_span is None
    before = _digest(tmp_path)
    fixed = run_fix(tmp_path, select=("CT008",), write=True)
    assert [(o.fixed, o.detail) for o in fixed.run.outcomes] == [
        (False, "value comes from var.validate"),
    ] * 2  # live/prod and live/staging
    assert _digest(tmp_path) == before


# ---------------------------------------------------------------------------
# Terraform plans
# ---------------------------------------------------------------------------


def _no_plan_fix(outcomes: list[tuple[str, bool, str]]) -> None:
    assert outcomes and not any(ok for _, ok, _ in outcomes)
    reasons = {why for _, _, why in outcomes}
    assert "the values come from a Terraform plan; fix the configuration it was made from" in reasons


def test_a_plan_is_never_edited(tmp_path: Path) -> None:
    (tmp_path / "plans").mkdir()
    shutil.copy(PLANS / "insecure.json", tmp_path / "plans" / "plan.json")
    before = _digest(tmp_path)
    _no_plan_fix(_fix_in(tmp_path, tmp_path, ()))
    assert _digest(tmp_path) == before


def test_the_configuration_a_plan_stands_for_is_never_edited(tmp_path: Path) -> None:
    """A plan next to its root replaces the root and points at its .tf files; its values
    are what the plan planned, so those files are not edited either."""
    root = tmp_path / "root"
    shutil.copytree(PLAN_ROOTS / "edge", root)
    shutil.copy(PLANS / "edge.json", root / "plan.json")
    before = _digest(tmp_path)
    outcomes = _fix_in(tmp_path, tmp_path, ())
    _no_plan_fix(outcomes)
    assert {path for path, _, _ in outcomes} >= {"root/main.tf", "root/modules/trail/main.tf"}
    assert _digest(tmp_path) == before


# ---------------------------------------------------------------------------
# Records the fix does not choose for
# ---------------------------------------------------------------------------

KEY = """\
data "aws_caller_identity" "me" {}

resource "aws_kms_key" "k" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = ["kms:GenerateDataKey*", "kms:Decrypt", "kms:DescribeKey"]
      Resource  = "*"
    }]
  })
}
"""


def test_an_event_data_stores_key_is_left_to_the_author(tmp_path: Path) -> None:
    tree(tmp_path, {"main.tf": KEY + 'resource "aws_cloudtrail_event_data_store" "lake" {\n'
                                      '  name = "lake"\n}\n'})
    before = _digest(tmp_path)
    fixed = run_fix(tmp_path, select=("CT009",), write=True)
    ok, why = fixed.outcome("CT009", "aws_cloudtrail_event_data_store.lake")
    assert not ok and why.startswith("the key of an event data store cannot be changed or removed")
    assert _digest(tmp_path) == before


MULTI = """\
resource "aws_cloudtrail" "regional" {
  name                          = "regional"
  s3_bucket_name                = "logs"
  include_global_service_events = false
}
"""


@pytest.mark.parametrize(("code_multi_region", "expected"), [
    (False, "the account's only multi-region logging trail, external_trails.org-trail, is declared "
            "in the configuration (external_trails), not written in the scanned code"),
    (True, "2 multi-region logging trails record management events: which one should carry "
           "global service events is the author's choice"),
])
def test_ct004_counts_a_declared_trail_and_never_edits_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], code_multi_region: bool, expected: str
) -> None:
    trail = MULTI
    if code_multi_region:
        trail = trail.replace('  name ', '  is_multi_region_trail         = true\n  name ', 1)
    tree(tmp_path, {
        "main.tf": trail,
        ".trailscan.toml": (
            '[[external_trails]]\nname = "org-trail"\nmulti_region = true\nlogging = true\n'
            'include_global_service_events = false\nmanagement_events = "all"\n'
        ),
    })
    before = _digest(tmp_path)
    code = main(["fix", str(tmp_path), "--root", str(tmp_path), "--select", "CT004", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"CT004 account:default: not fixed: {expected}" in err, err
    assert _digest(tmp_path) == before
