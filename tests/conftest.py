"""Shared test fixtures and the ``--update-golden`` option."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/ from the current output instead of comparing",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def pytest_configure(config: pytest.Config) -> None:
    """The command line keeps a cache between runs in the user's cache directory: the
    suite (and every trailscan it starts) uses one of its own, fresh for each session,
    never the developer's."""
    if "TRAILSCAN_TEST_CACHE_HOME" not in os.environ:
        home = tempfile.mkdtemp(prefix="trailscan-test-cache-")
        os.environ["TRAILSCAN_TEST_CACHE_HOME"] = home
        os.environ["XDG_CACHE_HOME"] = home
        os.environ["LOCALAPPDATA"] = home
