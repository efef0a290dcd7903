"""Half of a phase's work in a forked copy of the scanning process: the second core for
the phases too short to pay for a worker pool.

A worker of the pool (``pool``) is a fresh interpreter that imports trailscan and lark
before its first job, about 0.15 s; a monorepo's relevance pre-pass, or its few relevant
roots and templates, take less than that in all. A forked copy of the scanning process
starts in a millisecond with everything imported and every memo of the run (real paths,
parse tables once loaded) in place, and runs no other program: it computes its share of
the phase, writes the results down a pipe as JSON and ends with ``os._exit``. The
scanning process computes the other share meanwhile, then reads the copy's results and
places everything by position, so the outcome does not depend on which process computed
what (``tests/test_forked.py`` compares reports with and without it).

Only on Linux (on macOS a forked process may not use the system frameworks some
libraries load; Windows has no ``fork``), only while the scanning process has no other
thread (a lock held by another thread would stay held in the copy), and never inside a
worker. A copy that fails in any way (killed, out of memory, an exception, output that
does not decode) costs nothing but time: its share is computed again here.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["can_fork", "split"]

T = TypeVar("T")
R = TypeVar("R")


def can_fork(jobs: int | None) -> bool:
    """Whether a phase may use a forked copy: more than one job allowed (``None``: as
    many as cores), Linux, more than one core, and no thread but this one."""
    if jobs == 1 or not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    if jobs is None:
        from scanner.parsers.batch.pool import default_jobs

        if default_jobs() < 2:
            return False
    return threading.active_count() == 1


def split(
    items: Sequence[T],
    work: Callable[[T], R],
    encode: Callable[[R], Any],
    decode: Callable[[Any], R],
    *,
    theirs: Sequence[bool] | None = None,
) -> list[R]:
    """``work(item)`` for every item, in order: the items marked in ``theirs`` (by
    default the second half) in a forked copy, the others here. ``encode`` turns a
    result into JSON-ready data (``None``: it cannot travel, computed again here) and
    ``decode`` turns it back (``ValueError``: computed again here)."""
    if theirs is None:
        cut = (len(items) + 1) // 2
        theirs = [i >= cut for i in range(len(items))]
    mine = [i for i, flag in enumerate(theirs) if not flag]
    other = [i for i, flag in enumerate(theirs) if flag]
    results: list[Any] = [None] * len(items)
    if not mine or not other:
        return [work(item) for item in items]
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return [work(item) for item in items]
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return [work(item) for item in items]
    if pid == 0:  # the copy: its share, down the pipe, and gone
        code = 1
        try:
            os.close(read_end)
            data = json.dumps([encode(work(items[i])) for i in other], ensure_ascii=True,
                              separators=(",", ":")).encode("ascii")
            with os.fdopen(write_end, "wb") as channel:
                channel.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    try:
        for i in mine:
            results[i] = work(items[i])
    finally:
        with os.fdopen(read_end, "rb") as channel:
            data = channel.read()
        _, status = os.waitpid(pid, 0)
    decoded = _decoded(data, status, len(other), decode)
    for position, i in enumerate(other):
        value = decoded[position] if decoded is not None else None
        results[i] = value if value is not None else work(items[i])
    return results


def _decoded(data: bytes, status: int, count: int, decode: Callable[[Any], R]) -> list[R | None] | None:
    """The copy's results (``None`` for one that could not travel), or None when the
    copy failed as a whole."""
    if os.waitstatus_to_exitcode(status) != 0:
        return None
    try:
        raw = json.loads(data)
    except ValueError:
        return None
    if not isinstance(raw, list) or len(raw) != count:
        return None
    out: list[R | None] = []
    for item in raw:
        try:
            out.append(None if item is None else decode(item))
        except ValueError:
            out.append(None)
    return out
