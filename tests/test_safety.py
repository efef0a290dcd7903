"""The scanner never constructs Python objects from YAML, never evaluates code, and never
reads outside the scanned root. (That a whole scan opens no socket and starts no process,
and that its output does not depend on file order, is checked on the whole samples tree
in ``integration/test_safety_scans.py``.)"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from scanner.options import ScanOptions
from scanner.reporters import RenderOptions, render
from scanner.scan import run_scan

ROOT = Path(__file__).resolve().parent.parent
SCANNER = ROOT / "scanner"


def _sources() -> list[tuple[Path, str]]:
    return [(p, p.read_text()) for p in sorted(SCANNER.rglob("*.py"))]


def test_yaml_only_through_safe_loaders() -> None:
    offenders = []
    for path, text in _sources():
        for match in re.finditer(r"yaml\.load\(([^)]*)", text):
            if not re.search(r"Loader\s*=\s*\w*(Safe|_Loader|Loader)\w*", match.group(1)):
                offenders.append(f"{path}: {match.group(0)}")
        for banned in ("yaml.unsafe_load", "yaml.full_load", "yaml.UnsafeLoader",
                       "yaml.FullLoader", "yaml.Loader)", "Loader=yaml.Loader"):
            if banned in text:
                offenders.append(f"{path}: {banned}")
    assert offenders == []


def test_loader_classes_derive_from_safe_loaders() -> None:
    """Every custom YAML loader class subclasses SafeLoader or CSafeLoader."""
    for path, text in _sources():
        for match in re.finditer(r"class \w+\(([^)]*)\):", text):
            bases = match.group(1)
            if "Loader" in bases and "yaml" in bases:
                assert "SafeLoader" in bases, f"{path}: {match.group(0)}"


def test_no_eval_exec_or_pickle() -> None:
    offenders = []
    for path, text in _sources():
        code = re.sub(r'"""[\s\S]*?"""', "", text)  # docstrings may name them
        code = re.sub(r"#.*", "", code)
        for pattern in (r"(?<![\w.])(?<!def )eval\(", r"(?<![\w.])(?<!def )exec\(",
                        r"\bpickle\b", r"\bmarshal\b", r"\b__import__\(", r"\bos\.system\b",
                        r"\bsubprocess\b"):
            # ``trailscan diff`` (regressions.py) runs git by design; a scan never imports
            # it, which integration/test_safety_scans.py checks at run time.
            if path.name == "regressions.py" and pattern == r"\bsubprocess\b":
                continue
            # trailscan's own worker processes (``--jobs``): started from a fixed command
            # line, talking pickle over their pipes with the process that started them
            # (never with anything on disk); integration/test_safety_scans.py allows exactly
            # that command at run time.
            if path.relative_to(SCANNER).as_posix() == "parsers/batch/pool.py" and pattern in (
                r"\bsubprocess\b", r"\bpickle\b"
            ):
                continue
            # Value classes compile their ``__init__`` as ``dataclass`` does (from the class's
            # own field names, each checked to be an identifier; values are bound by name,
            # never written into the text): nothing read from a scanned file is in it.
            if path.relative_to(SCANNER).as_posix() == "valueclass.py" and pattern == r"(?<![\w.])(?<!def )exec\(":
                continue
            if re.search(pattern, code):
                offenders.append(f"{path}: {pattern}")
    assert offenders == []


OUTSIDE_TRAIL = """resource "aws_cloudtrail" "outside_secret" {
  name           = "outside-secret"
  s3_bucket_name = "outside-logs"
}
"""
INSIDE = """resource "aws_cloudtrail" "inside" {
  name                       = "inside"
  s3_bucket_name             = "inside-logs"
  enable_log_file_validation = true
}
"""


def _trail_refs(root: Path) -> tuple[set[str], str]:
    result = run_scan(ScanOptions(paths=(root,), root=root))
    refs = {t.ref for m in result.models for t in m.trails}
    return refs, render("json", result, RenderOptions())


def test_symlink_out_of_root_is_never_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.tf").write_text(OUTSIDE_TRAIL)
    (outside / "secret.yaml").write_text(
        "Resources:\n  OutsideSecret:\n    Type: AWS::CloudTrail::Trail\n"
        "    Properties:\n      S3BucketName: outside-logs\n"
    )
    root = tmp_path / "scan"
    (root / "unit").mkdir(parents=True)
    (root / "unit" / "main.tf").write_text(INSIDE)
    try:
        os.symlink(outside / "secret.tf", root / "unit" / "secret.tf")
        os.symlink(outside / "secret.yaml", root / "secret.yaml")
        os.symlink(outside, root / "linked_dir")
    except OSError as exc:  # pragma: no cover - platforms without symlinks
        pytest.skip(str(exc))
    refs, report = _trail_refs(root)
    assert refs == {"aws_cloudtrail.inside"}
    assert "outside" not in report.replace("outside the scanned root", "")


def test_symlinked_tfvars_out_of_root_is_never_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "terraform.tfvars").write_text('trail_name = "from-outside"\n')
    unit = tmp_path / "scan" / "unit"
    unit.mkdir(parents=True)
    (unit / "main.tf").write_text(
        'variable "trail_name" {\n  default = "inside"\n}\n'
        'resource "aws_cloudtrail" "t" {\n  name = var.trail_name\n  s3_bucket_name = "b"\n}\n'
    )
    try:
        os.symlink(outside / "terraform.tfvars", unit / "terraform.tfvars")
    except OSError as exc:  # pragma: no cover - platforms without symlinks
        pytest.skip(str(exc))
    result = run_scan(ScanOptions(paths=(tmp_path / "scan",), root=tmp_path / "scan"))
    names = {t.name.value for m in result.models for t in m.trails}
    assert names == {"inside"}
    problems = [(f.id, f.span.path) for f in result.findings if f.id == "CT901"]
    assert problems == [("CT901", "unit/terraform.tfvars")]


def test_module_source_outside_root_is_not_loaded(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "main.tf").write_text(OUTSIDE_TRAIL)
    root = tmp_path / "repo" / "scan"
    unit = root / "unit"
    unit.mkdir(parents=True)
    (unit / "main.tf").write_text(INSIDE + 'module "o" {\n  source = "../../../outside"\n}\n')
    refs, report = _trail_refs(root)
    assert refs == {"aws_cloudtrail.inside"}
    assert "outside the scanned root" in report
    assert "outside_secret" not in report
