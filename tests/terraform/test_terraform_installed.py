"""installed.py and the module calls that use it: remote modules are read from where
``terraform init`` installed them (``.terraform/modules/modules.json``), nested keys
included, never downloaded; a module that is not installed stays UNKNOWN, is recorded on
the unit, and CT003 does not call the account trail-less because of it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tf_inline import INNER, load, write

from policies.ct003_trail_required import trail_required
from scanner.model import Model, Origin, Settings, Span, Trail, Unit
from scanner.parsers.terraform import load_terraform
from scanner.parsers.terraform.installed import read_manifest, same_source
from scanner.policy import Fail, Unknown

INIT = "run `terraform init -backend=false` to let trailscan read it"

# A registry module that itself calls a git module (nested key ``audit.bucket``) and a
# local module of its own package.
AUDIT_MAIN = """
variable "bucket" {}
module "bucket" {
  source = "git::https://example.com/acme/bucket.git?ref=v2"
  name   = var.bucket
}
module "local_part" {
  source = "./modules/key"
}
resource "aws_cloudtrail" "this" {
  name                  = "audit"
  s3_bucket_name        = module.bucket.name
  kms_key_id            = module.local_part.arn
  is_multi_region_trail = true
}
"""
BUCKET_MAIN = """
variable "name" {}
resource "aws_s3_bucket" "b" { bucket = var.name }
output "name" { value = aws_s3_bucket.b.id }
"""
KEY_MAIN = """
resource "aws_kms_key" "k" { enable_key_rotation = true }
output "arn" { value = aws_kms_key.k.arn }
"""
ROOT_MAIN = """
module "audit" {
  source  = "acme/audit/aws"
  version = "1.2.0"
  bucket  = "acme-trail-logs"
}
"""


def manifest(root: Path, records: list[dict[str, str]]) -> None:
    path = root / ".terraform" / "modules" / "modules.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"Modules": [{"Key": "", "Source": "", "Dir": "."}, *records]}))


def installed_root(tmp_path: Path) -> Path:
    root = tmp_path / "stack"
    write(root, {
        "main.tf": ROOT_MAIN,
        ".terraform/modules/audit/main.tf": AUDIT_MAIN,
        ".terraform/modules/audit/modules/key/main.tf": KEY_MAIN,
        ".terraform/modules/audit.bucket/main.tf": BUCKET_MAIN,
    })
    manifest(root, [
        {"Key": "audit", "Source": "registry.terraform.io/acme/audit/aws", "Version": "1.2.0",
         "Dir": ".terraform/modules/audit"},
        {"Key": "audit.bucket", "Source": "git::https://example.com/acme/bucket.git?ref=v2",
         "Dir": ".terraform/modules/audit.bucket"},
        {"Key": "audit.local_part", "Source": "./modules/key",
         "Dir": ".terraform/modules/audit/modules/key"},
    ])
    return root


def test_registry_git_and_nested_modules_are_read_from_the_install(tmp_path: Path) -> None:
    root = installed_root(tmp_path)
    model = load_terraform(root, tmp_path)
    assert not model.problems, model.problems
    (trail,) = model.trails
    assert trail.ref == "module.audit.aws_cloudtrail.this"
    assert trail.span.path == "stack/.terraform/modules/audit/main.tf"
    assert trail.s3_bucket_name.value == "acme-trail-logs"
    assert trail.kms_key_id.value == (
        "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/${module.audit.module.local_part.aws_kms_key.k}"
    )
    assert [b.ref for b in model.buckets] == ["module.audit.module.bucket.aws_s3_bucket.b"]
    assert [k.ref for k in model.kms_keys] == ["module.audit.module.local_part.aws_kms_key.k"]
    assert model.units[0].unread_modules == ()
    assert "stack/.terraform/modules/audit.bucket/main.tf" in model.units[0].files


def test_a_module_not_installed_is_unknown_and_recorded(tmp_path: Path) -> None:
    root = installed_root(tmp_path)
    (root / ".terraform").rename(tmp_path / "elsewhere")
    write(root, {"trail.tf": """
        resource "aws_cloudtrail" "local" {
          name           = "local"
          s3_bucket_name = module.audit.bucket_name
        }
    """})
    model = load_terraform(root, tmp_path)
    assert not model.problems
    (trail,) = model.trails
    assert trail.s3_bucket_name.origin is Origin.UNKNOWN
    assert trail.s3_bucket_name.reason == f"module source acme/audit/aws is not installed: {INIT}"
    assert model.units[0].unread_modules == ("module.audit",)


def test_a_nested_module_not_installed_is_recorded_by_address(tmp_path: Path) -> None:
    root = installed_root(tmp_path)
    manifest(root, [
        {"Key": "audit", "Source": "registry.terraform.io/acme/audit/aws", "Version": "1.2.0",
         "Dir": ".terraform/modules/audit"},
    ])
    model = load_terraform(root, tmp_path)
    (trail,) = model.trails
    assert trail.s3_bucket_name.reason == (
        f"module source git::https://example.com/acme/bucket.git?ref=v2 is not installed: {INIT}"
    )
    # The local module inside the installed package is still read from the package.
    assert [k.ref for k in model.kms_keys] == ["module.audit.module.local_part.aws_kms_key.k"]
    assert model.units[0].unread_modules == ("module.audit.module.bucket",)


def test_a_module_call_that_creates_nothing_is_not_unread(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": 'module "off" {\n  source = "acme/x/aws"\n  count  = 0\n}\n'})
    assert model.units[0].unread_modules == ()
    model = load(tmp_path / "b", {"main.tf": 'module "on" {\n  source = "acme/x/aws"\n  count  = 2\n}\n'})
    assert model.units[0].unread_modules == ("module.on",)


def test_a_stale_install_is_not_read(tmp_path: Path) -> None:
    root = installed_root(tmp_path)
    (root / "main.tf").write_text(ROOT_MAIN.replace("acme/audit/aws", "acme/other/aws"))
    model = load_terraform(root, tmp_path)
    assert model.trails == ()
    assert model.units[0].unread_modules == ("module.audit",)


def test_an_install_outside_the_scan_root_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside, {"main.tf": INNER})
    root = tmp_path / "scan" / "stack"
    write(root, {"main.tf": 'module "m" {\n  source = "acme/m/aws"\n  bucket = "b"\n}\n'})
    manifest(root, [{"Key": "m", "Source": "acme/m/aws", "Dir": "../../outside"}])
    model = load_terraform(root, tmp_path / "scan")
    assert model.trails == ()
    assert [(p.span.path, p.span.line) for p in model.problems] == [("stack/main.tf", 2)]
    assert "lies outside the scanned root" in model.problems[0].message
    # The same through a symlink inside .terraform/modules.
    manifest(root, [{"Key": "m", "Source": "acme/m/aws", "Dir": ".terraform/modules/m"}])
    os.symlink(outside, root / ".terraform" / "modules" / "m")
    model = load_terraform(root, tmp_path / "scan")
    assert model.trails == () and "lies outside the scanned root" in model.problems[0].message
    assert model.units[0].unread_modules == ("module.m",)


@pytest.mark.parametrize("text", ["{", "[]", '{"Modules": 3}'])
def test_an_unreadable_manifest_is_a_problem(tmp_path: Path, text: str) -> None:
    root = tmp_path / "stack"
    write(root, {"main.tf": 'module "m" {\n  source = "acme/m/aws"\n}\n'})
    (root / ".terraform" / "modules").mkdir(parents=True)
    (root / ".terraform" / "modules" / "modules.json").write_text(text)
    model = load_terraform(root, tmp_path)
    assert [p.span.path for p in model.problems] == ["stack/.terraform/modules/modules.json"]
    assert model.units[0].unread_modules == ("module.m",)


def test_manifest_records(tmp_path: Path) -> None:
    root = installed_root(tmp_path)
    found = read_manifest(root, tmp_path, 10_000).lookup("audit", "acme/audit/aws")
    assert found.directory == (root / ".terraform" / "modules" / "audit").resolve()
    assert found.version == "1.2.0"
    missing = read_manifest(root, tmp_path, 10_000).lookup("nope", "acme/nope/aws")
    assert missing.directory is None and INIT in missing.reason


@pytest.mark.parametrize(
    ("installed", "written", "same"),
    [
        ("registry.terraform.io/acme/audit/aws", "acme/audit/aws", True),
        ("registry.terraform.io/acme/audit/aws", "Acme/Audit/AWS", True),
        ("git::https://github.com/acme/x.git?ref=v1", "github.com/acme/x?ref=v1", True),
        ("git::ssh://git@github.com/acme/x.git//sub", "git@github.com:acme/x.git//sub", True),
        ("git::https://github.com/acme/x.git?ref=v1", "github.com/acme/x?ref=v2", False),
        ("registry.terraform.io/acme/audit/aws", "acme/other/aws", False),
    ],
)
def test_same_source(installed: str, written: str, same: bool) -> None:
    assert same_source(installed, written) is same


# ---------------------------------------------------------------------------
# CT003: a module we could not read is not "no trail"
# ---------------------------------------------------------------------------

REQUIRED = Settings(require_trail=True)


def _account(*units: Unit, trails: tuple[Trail, ...] = ()) -> Model:
    return Model(units=units, trails=trails, settings=REQUIRED)


def test_ct003_unknown_when_a_module_could_not_be_read() -> None:
    unit = Unit(id="live", format="terraform", files=("live/main.tf",),
                unread_modules=("module.trail",))
    (out,) = list(trail_required(_account(unit)))
    assert isinstance(out, Unknown)
    assert out.span == Span(path="live/main.tf")
    assert "module.trail (in live)" in out.reason and "terraform init -backend=false" in out.reason
    many = Unit(id="b", format="terraform", files=("b/main.tf",),
                unread_modules=tuple(f"module.m{i}" for i in range(5)))
    (out,) = list(trail_required(_account(unit, many)))
    assert "and 3 more" in out.reason
    plain = Unit(id="live", format="terraform", files=("live/main.tf",))
    (out,) = list(trail_required(_account(plain)))
    assert isinstance(out, Fail)


def test_ct003_through_the_loader(tmp_path: Path) -> None:
    root = installed_root(tmp_path)
    (root / ".terraform").rename(tmp_path / "gone")
    model = Model.merge([load_terraform(root, tmp_path)])
    model = Model(units=model.units, trails=model.trails, settings=REQUIRED)
    (out,) = list(trail_required(model))
    assert isinstance(out, Unknown) and "module.audit (in stack)" in out.reason


def test_discovery_never_takes_installed_modules_for_roots() -> None:
    from scanner.discovery import discover
    from scanner.limits import Limits

    sample = Path(__file__).resolve().parents[2] / "samples" / "terraform" / "registry-module"
    assert (sample / ".terraform" / "modules" / "modules.json").is_file()
    found = discover([sample], sample, Limits(), lambda text: False)
    assert found.terraform_dirs == [sample.resolve()]
    assert found.problems == []


@pytest.mark.slow
def test_what_terraform_init_writes_is_read(tmp_path: Path) -> None:
    """A git module installed by the real ``terraform get`` (what ``init`` runs) (a local bare-file git URL, so
    nothing leaves the machine), with a nested local call and a ``//subdir`` source."""
    import shutil
    import subprocess

    if shutil.which("terraform") is None or shutil.which("git") is None:
        pytest.skip("terraform or git is not on PATH: cannot run terraform init")
    repo = tmp_path / "repo"
    write(repo, {"sub/main.tf": BUCKET_MAIN, "main.tf": 'module "inner" {\n  source = "./sub"\n  name = "x"\n}\n'})
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-C", str(repo)]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "module"], ["tag", "v1"]):
        subprocess.run([*git, *args], check=True, capture_output=True)
    root = tmp_path / "root"
    write(root, {"main.tf": (
        f'module "logs" {{\n  source = "git::file://{repo}?ref=v1"\n}}\n'
        f'module "sub" {{\n  source = "git::file://{repo}//sub?ref=v1"\n  name = "y"\n}}\n'
    )})
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    # `terraform get` is the module-installing step of `terraform init` (no providers).
    get = subprocess.run(["terraform", "get"], cwd=root, capture_output=True, text=True, env=env,
                         check=False)
    assert get.returncode == 0, get.stderr
    model = load_terraform(root, tmp_path)
    assert [b.ref for b in model.buckets] == [
        "module.logs.module.inner.aws_s3_bucket.b", "module.sub.aws_s3_bucket.b",
    ]
    assert [b.name.value for b in model.buckets] == ["x", "y"]
    assert model.units[0].unread_modules == ()
