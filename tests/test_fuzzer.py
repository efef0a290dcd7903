"""``benchmarks/fuzz.py``: its worker enforces the per-input bounds, and a short run is clean."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from guards import GuardError

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fork and resource limits")


def _fuzz() -> ModuleType:
    spec = importlib.util.spec_from_file_location("trailscan_fuzz", ROOT / "benchmarks/fuzz.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


fuzz = _fuzz()


def _spin(directory: Path, data: bytes) -> object:
    while True:
        pass


def _hog(directory: Path, data: bytes) -> object:
    chunks = []
    while True:
        chunks.append(bytearray(64 * 1024 * 1024))


def _raise(directory: Path, data: bytes) -> object:
    raise KeyError(data)


_LINUX_ONLY = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                 reason="RLIMIT_AS is enforced on Linux only")


@pytest.mark.parametrize(("front_end", "status"),
                         [(_spin, "over-time"), pytest.param(_hog, "over-memory", marks=_LINUX_ONLY),
                          (_raise, "crash")])
def test_worker_reports_each_kind_of_failure(tmp_path: Path, front_end: object, status: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(fuzz.FRONT_ENDS, "probe", front_end)
    worker = fuzz.Worker("probe", tmp_path, cpu_bound=1, memory_bound=256 * 1024**2)
    try:
        got, _, detail = worker.run(b"input", wall_seconds=60)
    finally:
        worker.stop()
    assert got == status, detail


def test_short_run_of_every_front_end_is_clean() -> None:
    for kind in fuzz.KINDS:
        stats = fuzz.fuzz(kind, 60, None, fuzz.random.Random(f"test-{kind}"), cpu_bound=10)
        failures = stats["crashes"] + stats["over_time"] + stats["over_memory"]
        if failures:
            raise GuardError(f"{kind}: {stats} (reproducers in benchmarks/out/)")
        assert stats["inputs"] == 60


def test_hostile_cases_are_seeds() -> None:
    terraform = b"".join(fuzz.seeds("terraform"))
    cloudformation = fuzz.seeds("cloudformation")
    assert b"***************Z" in terraform  # tests/bad_inputs/tf_redos_patterns.tf
    assert b'a40 = "${local.a39}${local.a39}"' in terraform  # the evaluation-budget cases
    assert b'format("%999999999s", "x")' in terraform and b"count                      = 100000000" in terraform
    assert any(seed.count(b"AWS::SNS::Topic") == 500 for seed in cloudformation)
    assert any(b"a*a*a*" in seed and b"S3KeyPrefix" in seed for seed in cloudformation)
    assert any(b"\\e[31m" in seed for seed in cloudformation)
    assert any(seed.startswith(b'{"version": 1, "findings": [[[') for seed in fuzz.seeds("baseline"))
    assert b"tool = 5\n" in fuzz.seeds("config")
