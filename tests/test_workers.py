"""Units loaded by trailscan's own worker processes give the same reports as units loaded
in the scanning process; each file is parsed once per run however many roots call it; a
worker that cannot start or dies costs no unit silently."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.discovery import discover
from scanner.limits import Limits
from scanner.options import ScanOptions
from scanner.parsers import load_units
from scanner.parsers.batch import pool
from scanner.parsers.batch.load import LoadStats
from scanner.reporters import RenderOptions, render
from scanner.scan import run_scan

ROOT = Path(__file__).resolve().parent.parent

MODULE = """
variable "name" {}
resource "aws_cloudtrail" "t" {
  name           = var.name
  s3_bucket_name = "logs"
}
"""


def _report(path: Path, jobs: int | None) -> str:
    result = run_scan(ScanOptions(paths=(path,), root=path, jobs=jobs))
    return render("json", result, RenderOptions())


def _load(root: Path, **kwargs: object) -> tuple[list[object], LoadStats]:
    found = discover([root], root, Limits())
    stats = LoadStats()
    models = load_units(found.terraform_dirs, found.templates, root, plans=found.plans,
                        stats=stats, **kwargs).models  # type: ignore[arg-type]
    return models, stats


def test_samples_report_the_same_in_two_workers_as_in_one_process() -> None:
    samples = ROOT / "samples"
    assert _report(samples, 2) == _report(samples, 1)
    models, stats = _load(samples, jobs=2)
    assert stats.workers == 2
    assert models == _load(samples, jobs=1)[0]


def _shared_module(tmp_path: Path, roots: int) -> Path:
    (tmp_path / "modules" / "trail").mkdir(parents=True)
    (tmp_path / "modules" / "trail" / "main.tf").write_text(MODULE)
    for i in range(roots):
        (tmp_path / "live" / f"r{i}").mkdir(parents=True)
        (tmp_path / "live" / f"r{i}" / "main.tf").write_text(
            f'module "trail" {{\n  source = "../../modules/trail"\n  name = "t{i}"\n}}\n'
        )
    return tmp_path


def test_a_module_called_by_many_roots_is_parsed_once(tmp_path: Path) -> None:
    root = _shared_module(tmp_path, 6)
    models, stats = _load(root, jobs=1)
    assert stats.loaded == 6
    assert stats.parsed == 7  # six roots' main.tf and the module's, once
    assert sorted(m.trails[0].name.value for m in models) == [f"t{i}" for i in range(6)]
    # The module's records keep each root's values and each root's unit.
    assert sorted(m.trails[0].unit for m in models) == [f"live/r{i}" for i in range(6)]


def test_a_worker_that_cannot_start_leaves_its_units_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _shared_module(tmp_path, 4)
    expected, _ = _load(root, jobs=1)
    monkeypatch.setattr(pool, "worker_command", lambda: [sys.executable, "-c", "pass"])
    models, stats = _load(root, jobs=2)
    assert stats.workers == 2 and stats.loaded == 4
    assert models == expected


DIES = """
import os, sys
from scanner.parsers.batch import pool
pool._receive(sys.stdin.buffer)
pool._send(sys.stdout.buffer, pool.READY)
pool._receive(sys.stdin.buffer)
os._exit(3)
"""


def test_a_worker_that_dies_costs_its_unit_a_parse_error_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _shared_module(tmp_path, 5)
    monkeypatch.setattr(pool, "worker_command", lambda: [sys.executable, "-c", DIES])
    models, _ = _load(root, jobs=2)
    broken = [m for m in models if m.problems]  # type: ignore[attr-defined]
    assert len(broken) == 2  # one job each, then they died
    for model in broken:
        message = model.problems[0].message  # type: ignore[attr-defined]
        assert "worker process loading it stopped (exit code 3)" in message
    assert sum(1 for m in models if m.trails) == 3  # type: ignore[attr-defined]


def test_jobs_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _shared_module(tmp_path, 2)
    assert main(["scan", str(root), "--jobs", "0"]) == 2
    assert "--jobs must be at least 1" in capsys.readouterr().err
    assert main(["scan", str(root), "-j", "2", "--format", "json", "--no-cache"]) == 1
