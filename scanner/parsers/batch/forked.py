"""A phase's work shared with a forked copy of the scanning process: the second core for
the phases too short to pay for a worker pool.

A worker of the pool (``pool``) is a fresh interpreter that imports trailscan and lark
before its first job, about 0.15 s; a monorepo's relevance pre-pass, or its few relevant
roots and templates, take less than that in all. A forked copy of the scanning process
starts in a millisecond with everything imported and every memo of the run (real paths,
parse tables once loaded) in place, and runs no other program.

The two processes take the phase's items one at a time from two queues (pipes both read,
filled before the fork: a read of a few bytes from a pipe is atomic, so each item is taken
once): each empties its own queue first (the items it is better placed for), then helps
with the other's, so neither waits for the other when the copy runs slower than planned (a
busy core, pages copied on first write) or an item costs more than guessed. The copy
writes its results down a second pipe as JSON and ends with ``os._exit``; the scanning
process places everything by position, so the outcome does not depend on which process
computed what (``tests/test_forked.py`` compares reports with and without it).

Only on Linux (on macOS a forked process may not use the system frameworks some
libraries load; Windows has no ``fork``), only while the scanning process has no other
thread (a lock held by another thread would stay held in the copy), and never inside a
worker. Whatever the copy fails to deliver (it was killed, ran out of memory, raised,
wrote something that does not decode) costs nothing but time: it is computed again here.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["can_fork", "reap", "share"]

T = TypeVar("T")
R = TypeVar("R")

# Queue entries: an item's position, in this many bytes. A pipe holds 64 KiB before a
# write blocks, and the queue is filled before anyone reads it: longer phases take items
# in runs of several.
_ENTRY = 4
_QUEUE_ENTRIES = 16 * 1024 - 1

# Copies whose results are in but that had not yet ended (reaped at the next phase or by
# ``reap``: waiting for a copy's teardown costs the scan milliseconds for nothing).
_ENDING: list[int] = []


def can_fork(jobs: int | None) -> bool:
    """Whether a phase may use a forked copy: more than one job allowed (``None``: as
    many as cores), Linux, more than one core, and no thread but this one."""
    if jobs == 1 or not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    if jobs is None:
        from scanner.parsers.batch.pool import default_jobs

        if default_jobs() < 2:
            return False
    # A thread started through ``threading`` is the only kind ``active_count`` sees; a
    # process that never imported it has none (and need not import it to know).
    module = sys.modules.get("threading")
    return module is None or module.active_count() == 1


def share(
    items: Sequence[T],
    work: Callable[[T], R],
    encode: Callable[[R], Any],
    decode: Callable[[Any], R],
    *,
    theirs: Sequence[bool] | None = None,
    first: Callable[[], object] | None = None,
) -> list[R]:
    """``work(item)`` for every item, in order, computed by this process and a forked copy
    together. The items marked in ``theirs`` (default: none) are queued for the copy, the
    others for this process; each takes from its own queue first, then from the other's,
    one item at a time, so both finish together however the work falls. ``first`` runs
    here before this process takes any item (what only it needs, such as readying a
    parser). ``encode`` turns a result into JSON-ready data (``None``: it cannot travel,
    computed again here) and ``decode`` turns it back (``ValueError``: computed again
    here)."""
    reap()
    if len(items) < 2:
        return _here(items, work, first)
    flags = list(theirs) if theirs is not None else [False] * len(items)
    run = -(-len(items) // _QUEUE_ENTRIES)  # items taken per read
    queues: list[int] = []
    try:
        for wanted in (False, True):  # this process's queue, then the copy's
            starts = [start for start in range(0, len(items), run) if flags[start] == wanted]
            read_end, write_end = os.pipe()
            queues.append(read_end)
            filled = _fill(write_end, b"".join(start.to_bytes(_ENTRY, "big") for start in starts))
            os.close(write_end)
            if not filled:
                raise OSError("the queue does not fit in a pipe")
        read_end, write_end = os.pipe()
    except OSError:
        for fd in queues:
            os.close(fd)
        return _here(items, work, first)
    try:
        pid = os.fork()
    except OSError:
        for fd in (*queues, read_end, write_end):
            os.close(fd)
        return _here(items, work, first)
    ours, copys = queues
    if pid == 0:  # the copy: items from its queue, then from ours; results down the pipe
        code = 1
        try:
            os.close(read_end)
            delivered: list[list[Any]] = []
            try:
                for index in _taken((copys, ours), run, len(items)):
                    data = encode(work(items[index]))
                    if data is not None:
                        delivered.append([index, data])
            finally:  # what was computed travels even when an item raised
                payload = json.dumps(delivered, ensure_ascii=True, separators=(",", ":")).encode("ascii")
                with os.fdopen(write_end, "wb") as channel:
                    channel.write(payload)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    results: list[Any] = [None] * len(items)
    done = [False] * len(items)
    try:
        if first is not None:
            first()
        for index in _taken((ours, copys), run, len(items)):
            results[index] = work(items[index])
            done[index] = True
    finally:
        for fd in queues:
            os.close(fd)
        with os.fdopen(read_end, "rb") as channel:
            data = channel.read()
        _reap_or_later(pid)
    for index, value in _decoded(data, len(items), decode):
        if not done[index]:
            results[index], done[index] = value, True
    for index, finished in enumerate(done):
        if not finished:  # the copy took it and did not deliver it
            results[index] = work(items[index])
    return results


def reap() -> None:
    """Wait for the copies whose results are in (they end within milliseconds of sending
    them), so none is left behind as a zombie in a longer-lived process."""
    while _ENDING:
        pid = _ENDING.pop()
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass


def _here(items: Sequence[T], work: Callable[[T], R], first: Callable[[], object] | None) -> list[R]:
    if first is not None:
        first()
    return [work(item) for item in items]


def _fill(pipe: int, data: bytes) -> bool:
    """Write the whole queue into the pipe before anyone reads it, without waiting: a pipe
    holds 64 KiB, but as little as one page when the user has many pipes open
    (``pipe-user-pages-soft``), and a blocking write would then wait for a reader that
    never comes. False when it does not fit (the phase then runs here alone)."""
    if not data:
        return True
    os.set_blocking(pipe, False)
    try:
        return os.write(pipe, data) == len(data)
    except BlockingIOError:
        return False


def _taken(queues: Sequence[int], run: int, count: int) -> Any:  # noqa: ANN401 - an iterator of positions
    """The positions this process takes, from each queue in turn until it is empty (the
    other process took the rest), a read (one entry) at a time."""
    for queue in queues:
        while True:
            entry = os.read(queue, _ENTRY)
            if len(entry) != _ENTRY:
                break
            start = int.from_bytes(entry, "big")
            yield from range(start, min(start + run, count))


def _reap_or_later(pid: int) -> None:
    try:
        ended, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return
    if not ended:
        _ENDING.append(pid)


def _decoded(data: bytes, count: int, decode: Callable[[Any], R]) -> list[tuple[int, R]]:
    """The copy's results by position (nothing for one that could not travel or does not
    decode; nothing at all when its output is not whole)."""
    try:
        raw = json.loads(data)
    except ValueError:
        return []
    if not isinstance(raw, list):
        return []
    out: list[tuple[int, R]] = []
    for item in raw:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], int)
                and 0 <= item[0] < count):
            return []
        try:
            out.append((item[0], decode(item[1])))
        except ValueError:
            continue
    return out
