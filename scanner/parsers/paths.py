"""Real paths, resolved once per scan; directories, listed once per scan.

A scan asks for the real path of the same root and unit directories many times (the
pre-pass, the loaders, the cache's probes, the relative path of every finding), and
``Path.resolve`` costs an ``lstat`` per component each time: on a 500-root monorepo some
4,000 calls, a tenth of the scan. Inside ``resolving_once`` each path is resolved once,
from its parent's real path when its last component is a plain name (one ``lstat``).
The disk is taken not to change under a scan.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

__all__ = ["NOT_THERE", "entries_of", "real_path", "real_str", "resolving", "resolving_once", "saw_entries", "saw_real"]

# The paths resolved so far in this scan (``resolving_once``), as given -> real, else None;
# the same for ``Path`` objects (making one costs more than looking it up).
_resolved: dict[str, str] | None = None
_resolved_paths: dict[Path, Path] | None = None
# The entries of the directories listed so far in this scan, by directory as given (text):
# discovery lists every directory once, and the pre-pass and the loaders list a root's
# again for its ``.tf`` and variables files.
_entries: dict[str, list[os.DirEntry[str]]] | None = None


@contextlib.contextmanager
def resolving_once() -> Iterator[None]:
    """Within: each path is resolved once (nested uses share the outermost memo)."""
    global _resolved, _resolved_paths, _entries
    outermost = _resolved is None
    if outermost:
        _resolved, _resolved_paths, _entries = {}, {}, {}
    try:
        yield
    finally:
        if outermost:
            _resolved, _resolved_paths, _entries = None, None, None


def resolving() -> bool:
    """Whether a scan's memo is in place (``resolving_once``): a real path then costs a
    lookup, most often, where elsewhere it costs a system call per component."""
    return _resolved is not None


def real_path(path: Path) -> Path:
    """``path.resolve()`` that survives symlink loops (Python 3.11 raises RuntimeError)."""
    memo = _resolved_paths
    if memo is None:
        return _resolve(path)
    known = memo.get(path)
    if known is None:
        known = memo[path] = Path(real_str(os.fspath(path)))
    return known


def real_str(path: str) -> str:
    """``real_path`` of a path given as text, as text."""
    memo = _resolved
    if memo is None:
        return str(_resolve(Path(path)))
    known = memo.get(path)
    if known is not None:
        return known
    # Up to the nearest ancestor already known (or one that must be resolved in full),
    # then down again: one ``lstat`` per new plain component, none per known one.
    pending: list[tuple[str, str]] = []
    current = path
    while True:
        known = memo.get(current)
        if known is not None:
            break
        parent, name = os.path.split(current)
        if name in ("", ".", "..") or not parent or parent == current or _is_link(current):
            known = memo[current] = str(_resolve(Path(current)))
            break
        pending.append((current, name))
        current = parent
    for below, name in reversed(pending):
        known = memo[below] = os.path.join(known, name)
    return known


def saw_real(path: str, real: str) -> None:
    """Discovery found ``path`` (not a symlink) in a directory whose real path it knew:
    its real path is ``real``, with no call to make later."""
    memo = _resolved
    if memo is not None:
        memo.setdefault(path, real)


# The errors ``pathlib`` takes for "no such file or directory" (``Path.is_file``,
# ``Path.is_dir``); any other is raised.
NOT_THERE = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})


def saw_entries(directory: str, entries: list[os.DirEntry[str]]) -> None:
    """Discovery listed ``directory`` and found ``entries`` (kept for ``entries_of``)."""
    memo = _entries
    if memo is not None:
        memo.setdefault(directory, entries)


def entries_of(directory: str) -> list[os.DirEntry[str]]:
    """``list(os.scandir(directory))``, once per scan (``resolving_once``; an error is
    raised as ``os.scandir`` raises it, and not remembered). The entries are shared: their
    ``is_file()`` and ``stat()`` answers are cached in them, as a listing's are."""
    memo = _entries
    if memo is not None:
        known = memo.get(directory)
        if known is not None:
            return known
    with os.scandir(directory) as found:
        entries = list(found)
    if memo is not None:
        memo[directory] = entries
    return entries


def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def _is_link(path: str) -> bool:
    """True for a symlink, and for anything ``lstat`` cannot look at (resolved in full),
    except a name that does not exist: ``resolve`` keeps it as written after its
    parent's real path, as the memo does."""
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        return True
