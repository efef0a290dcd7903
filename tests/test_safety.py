"""The scanner never opens a socket, never starts a process, never constructs Python
objects from YAML, and never reads outside the scanned root."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.options import ScanOptions
from scanner.reporters import RenderOptions, render
from scanner.scan import run_scan

ROOT = Path(__file__).resolve().parent.parent
SCANNER = ROOT / "scanner"


def _load_cases():  # noqa: ANN202 - a module loaded from a path
    spec = importlib.util.spec_from_file_location("bad_input_cases_safety",
                                                  ROOT / "tests/bad_inputs/cases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _json(path: Path) -> str:
    result = run_scan(ScanOptions(paths=(path,), root=path))
    return render("json", result, RenderOptions())


def _forbid(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def refuse(name: str):  # noqa: ANN202
        def _raise(*args: object, **kwargs: object) -> None:
            calls.append(name)
            raise AssertionError(f"{name} called during a scan")
        return _raise

    monkeypatch.setattr(socket, "socket", refuse("socket.socket"))
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(subprocess, "Popen", refuse("subprocess.Popen"))
    monkeypatch.setattr(os, "system", refuse("os.system"))
    for name in dir(os):
        if name.startswith(("exec", "spawn", "posix_spawn")) and callable(getattr(os, name)):
            monkeypatch.setattr(os, name, refuse(f"os.{name}"))
    return calls


def _bad_corpus_tree(tmp_path: Path) -> Path:
    """Every corpus case in one tree (the 50 MB ones excluded: size limits are tested
    elsewhere and they add nothing here)."""
    cases = _load_cases()
    root = tmp_path / "scan"
    root.mkdir()
    for case in cases.CASES:
        if "slow" in case.tags or case.needs_non_root:
            continue
        sub = root / case.name
        sub.mkdir()
        case.build(sub)
    return root


@pytest.mark.parametrize("tree", ["samples", "bad_inputs"])
def test_scan_needs_no_network_or_processes(
    tree: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if tree == "samples":
        target = tmp_path / "samples"
        shutil.copytree(ROOT / "samples", target, symlinks=True)
    else:
        target = _bad_corpus_tree(tmp_path)
    expected = _json(target)
    with monkeypatch.context() as patch:
        calls = _forbid(patch)
        patched = _json(target)
    assert calls == []
    assert patched == expected


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
            # it, which test_scan_needs_no_network_or_processes checks at run time.
            if path.name == "regressions.py" and pattern == r"\bsubprocess\b":
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


# --- no data loss and determinism ------------------------------------------------------

CANDIDATE_SUFFIXES = (".tf", ".tf.json", ".yaml", ".yml", ".json", ".template")


def _candidates(root: Path) -> set[str]:
    """Every file discovery must account for (the skip-list dirs excluded)."""
    from scanner.discovery import SKIP_DIRS

    out = set()
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if any(part in SKIP_DIRS for part in rel.parts[:-1]):
            continue
        if path.is_file() and path.name.lower().endswith(CANDIDATE_SUFFIXES):
            out.add(rel.as_posix())
    return out


def test_every_candidate_file_is_accounted_for(tmp_path: Path) -> None:
    target = tmp_path / "samples"
    shutil.copytree(ROOT / "samples", target, symlinks=True)
    result = run_scan(ScanOptions(paths=(target,), root=target))
    files = result.files
    reported = [*files.scanned, *files.not_ours, *files.failed]
    assert len(reported) == len(set(reported)), "a file is counted twice"
    # Discovery skips .terraform, but a root's installed modules are read through it.
    installed = {f for f in reported if "/.terraform/modules/" in f}
    assert installed and all(f.endswith(".tf") for f in installed)
    assert set(reported) - installed == _candidates(target)
    import json

    summary = json.loads(render("json", result, RenderOptions()))["summary"]["files"]
    assert summary["scanned"] + summary["not_ours"] + summary["failed"] == len(
        _candidates(target)
    ) + len(installed)


def _copy_in_order(src: Path, dest: Path, reverse: bool) -> None:
    """Recreate ``src`` file by file in a given order, so directory entry order differs."""
    paths = sorted(src.rglob("*"), reverse=reverse)
    for path in sorted(paths, key=lambda p: len(p.parts)) if not reverse else paths:
        target = dest / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_output_independent_of_creation_order(fmt: str, tmp_path: Path) -> None:
    outputs = []
    for index, reverse in enumerate((False, True)):
        copy = tmp_path / f"copy{index}" / "repo"
        copy.mkdir(parents=True)
        _copy_in_order(ROOT / "samples", copy, reverse)
        bad = copy / "zz_bad"
        bad.mkdir()
        for name in sorted(os.listdir(ROOT / "tests/bad_inputs"), reverse=reverse):
            if name.endswith((".tf", ".yaml")):
                unit = bad / name.replace(".", "_")
                unit.mkdir()
                suffix = "main.tf" if name.endswith(".tf") else "template.yaml"
                shutil.copyfile(ROOT / "tests/bad_inputs" / name, unit / suffix)
        result = run_scan(ScanOptions(paths=(copy,), root=copy))
        outputs.append(render(fmt, result, RenderOptions()))
    assert outputs[0] == outputs[1]
