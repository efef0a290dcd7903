"""The hang guard itself: each bound it promises is enforced, and results come back."""

from __future__ import annotations

import sys
import time

import pytest
from guards import GuardError, run_cli_guarded, run_guarded

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="no fork or resource limits")


def _spin() -> None:
    while True:
        pass


def _hog() -> list[bytes]:
    chunks = []
    while True:
        chunks.append(b"x" * (64 * 1024 * 1024))


def _fail() -> None:
    raise ValueError("boom")


def test_result_comes_back() -> None:
    assert run_guarded(sorted, [3, 1, 2]) == [1, 2, 3]


def test_cpu_spin_is_killed() -> None:
    start = time.monotonic()
    with pytest.raises(GuardError, match="CPU limit"):
        run_guarded(_spin, cpu_seconds=1, wall_seconds=30)
    assert time.monotonic() - start < 20


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is enforced on Linux only")
def test_memory_hog_is_stopped() -> None:
    with pytest.raises(GuardError, match="memory limit"):
        run_guarded(_hog, memory_bytes=256 * 1024 * 1024, wall_seconds=30)


def test_sleeper_hits_the_wall_clock() -> None:
    with pytest.raises(GuardError, match="wall-clock"):
        run_guarded(time.sleep, 60, wall_seconds=1)


def test_exception_carries_the_child_traceback() -> None:
    with pytest.raises(GuardError, match="ValueError: boom"):
        run_guarded(_fail)


def test_cli_runs_under_limits() -> None:
    proc = run_cli_guarded(["list"])
    assert proc.returncode == 0
    assert "CT008" in proc.stdout
