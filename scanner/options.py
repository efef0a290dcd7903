"""What one scan is asked to do: the paths, the inputs and the switches.

The command line builds it; the scan driver and ``trailscan diff`` (which runs the same
scan on two revisions) read it.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import field
from pathlib import Path

from scanner.config import Config
from scanner.valueclass import ValueObject, value_class


@value_class(kw_only=True)
class ScanOptions(ValueObject):
    """Everything one scan is told: paths, configuration, selection, inputs, limits."""

    paths: tuple[Path, ...] = (Path("."),)
    root: Path | None = None
    variables: tuple[tuple[str, str], ...] = ()
    var_files: tuple[Path, ...] = ()
    parameters: tuple[tuple[str, str], ...] = ()
    parameter_files: tuple[Path, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    strict: bool = False
    debug: bool = False
    cfn_lint: bool = False
    baseline: Path | None = None
    config: Config = field(default_factory=Config)
    today: _dt.date | None = None  # for suppression expiry; None = today
    # Directories of the user's own policy modules (``--policies-dir``). This runs Python,
    # so only the command line or a config file outside the scanned tree may set it.
    policy_dirs: tuple[Path, ...] = ()
    # Paths not searched for roots and templates (``--exclude``, gitignore-style,
    # relative to the scan root), on top of ``exclude`` in the config.
    exclude: tuple[str, ...] = ()
    # Honour .gitignore files when searching for roots and templates.
    gitignore: bool = True
    # ``paths`` are changed files (the pre-commit hook): scan every unit that loads one
    # of them, found in the repository around them, and report only their findings.
    changed_files: bool = False
    # Leave the root modules nothing a policy reads out of parsing (``--no-prefilter``
    # parses every file; the reports are the same but for what only the parser sees).
    prefilter: bool = True
    # Worker processes that load units (``--jobs``): 1 = all in this process, None = as
    # many as cores when there are enough units to pay for starting them.
    jobs: int | None = None
    # The cache between runs (``--cache-dir``; the command line's default is
    # ``user_cache_dir()``); None: no cache.
    cache_dir: Path | None = None


def scan_root(paths: tuple[Path, ...], explicit: Path | None = None) -> Path:
    """Paths in reports are relative to this: the working directory when every path is
    inside it (so SARIF URIs are repository-relative in CI), else their common ancestor."""
    if explicit is not None:
        return explicit.resolve()
    cwd = Path.cwd().resolve()
    resolved = [p.resolve() if p.exists() else p.absolute() for p in paths]
    if all(p == cwd or cwd in p.parents for p in resolved):
        return cwd
    common = Path(os.path.commonpath([str(p) for p in resolved]))
    return common if common.is_dir() else common.parent


def user_cache_dir() -> Path:
    """Where the cache between runs lives by default: the platform's per-user cache
    directory (``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux and other Unixes,
    ``~/Library/Caches`` on macOS, ``%LOCALAPPDATA%`` on Windows), under ``trailscan``."""
    import sys

    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "trailscan" / "Cache"
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "trailscan"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "trailscan"
    return Path.home() / ".cache" / "trailscan"
