"""trailscan's own worker processes: units loaded on every core.

A worker is this same Python running ``serve`` below (``worker_command``): it reads jobs
on its standard input and writes each unit's model on its standard output. Nothing else
is started -- no shell, no ``multiprocessing`` helper (its resource tracker or fork
server would be processes of their own), no socket: two pipes per worker. The command
line is fixed (``python -P -c ...``: ``-P`` keeps the working directory, which may be the
scanned repository, off the import path), so the safety tests can allow exactly it.

Frames are pickles with a length in front, exchanged only between the scanning process
and the workers it started: pickle is never read from disk or from anything else (the
cache between runs is JSON). Jobs are handed out one at a time from a shared queue, so a
slow unit does not hold up the others; one thread per worker in the scanning process
does the talking, and the scanning process's main thread places each model at its
unit's position, so the result does not depend on which worker finished first.

A worker that dies (killed, out of memory) costs the unit it was loading a CT901 and
stops taking jobs; whatever is left when no worker remains is loaded in the scanning
process. Workers write the cache entries of the units they load.
"""

from __future__ import annotations

import os
import pickle
import queue
import struct
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from scanner.parsers.batch.jobs import Inputs, Job, Loaders, Outcome, run_job
from scanner.parsers.reads import Reads
from scanner.valueclass import ValueObject, value_class

_HEADER = struct.Struct(">Q")
# What a worker says once it has imported everything and read its setup: a worker that
# cannot start never takes a job (its units are loaded in the scanning process instead).
READY = "ready"


def default_jobs() -> int:
    """The cores this process may run on."""
    count = getattr(os, "process_cpu_count", None)
    if count is not None:
        return max(1, count() or 1)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def worker_command() -> list[str]:
    """The one command line a worker is started with."""
    import scanner

    package_parent = str(Path(scanner.__file__).resolve().parents[1])
    code = (
        "import sys\n"
        f"p = {package_parent!r}\n"
        "if p not in sys.path: sys.path.append(p)\n"
        "from scanner.parsers.batch.pool import serve\n"
        "serve()\n"
    )
    return [sys.executable, "-P", "-c", code]


# ---------------------------------------------------------------------------
# Frames
# ---------------------------------------------------------------------------


def _send(stream: IO[bytes], value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any | None:  # noqa: ANN401 - a frame from our own process
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)  # noqa: S301 - written by the process that started us (or we started)


@value_class()
class Setup(ValueObject):
    """The first frame a worker reads: the run's inputs and options."""

    inputs: Inputs
    debug: bool
    cache_dir: Path | None


# ---------------------------------------------------------------------------
# The worker side
# ---------------------------------------------------------------------------


def serve() -> None:
    """A worker's life: read the setup, then load each job until the input closes."""
    channel_in = sys.stdin.buffer
    channel_out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but frames goes down the channel
    try:
        setup = _receive(channel_in)
        if not isinstance(setup, Setup):
            return
        from scanner.parsers.batch.cache import store_outcome

        loaders = Loaders()
        _send(channel_out, READY)
        while True:
            frame = _receive(channel_in)
            if frame is None:
                return
            index, job = frame
            outcome = run_job(job, setup.inputs, loaders, debug=setup.debug,
                              record=setup.cache_dir is not None)
            store_outcome(setup.cache_dir, job, setup.inputs, outcome)
            outcome.reads = Reads(max_bytes=outcome.reads.max_bytes)  # not needed back
            _send(channel_out, (index, outcome))
    except (KeyboardInterrupt, BrokenPipeError):
        return


# ---------------------------------------------------------------------------
# The scanning side
# ---------------------------------------------------------------------------

_STOP = None
Done = Callable[[int, Outcome], None]


class _Worker(threading.Thread):
    """Talks to one worker process: takes jobs from the shared queue one at a time."""

    def __init__(self, process: Any, jobs: queue.Queue[tuple[int, Job] | None],  # noqa: ANN401
                 results: queue.Queue[tuple[int, Outcome | str]], setup: Setup) -> None:
        super().__init__(daemon=True)
        self.process = process
        self.jobs = jobs
        self.results = results
        self.setup = setup

    def run(self) -> None:
        current: int | None = None
        try:
            _send(self.process.stdin, self.setup)
            if _receive(self.process.stdout) != READY:
                return
            while True:
                item = self.jobs.get()
                if item is _STOP:
                    return
                current, job = item
                try:
                    _send(self.process.stdin, (current, job))
                except OSError:
                    self.jobs.put(item)  # it never got the job: another one takes it
                    current = None
                    raise
                reply = _receive(self.process.stdout)
                if reply is None:
                    raise EOFError("the worker closed its output")
                index, outcome = reply
                self.results.put((index, outcome))
                current = None
        except Exception:  # noqa: BLE001 - a dead worker costs its unit a CT901, not the scan
            if current is not None:
                try:
                    code = self.process.wait(timeout=5)
                except Exception:  # noqa: BLE001 - still running: no code to tell
                    code = None
                why = "the worker process loading it stopped" + (
                    f" (exit code {code})" if code is not None else ""
                )
                self.results.put((current, why))
        finally:
            try:
                self.process.stdin.close()
            except OSError:
                pass


class Workers:
    """Up to ``count`` worker processes, started on first use and kept for the run."""

    def __init__(self, count: int, setup: Setup) -> None:
        self.count = count
        self.setup = setup
        self.started = 0
        self._jobs: queue.Queue[tuple[int, Job] | None] = queue.Queue()
        self._results: queue.Queue[tuple[int, Outcome | str]] = queue.Queue()
        self._threads: list[_Worker] = []

    def _start(self) -> None:
        import subprocess

        while len(self._threads) < self.count:
            try:
                process = subprocess.Popen(
                    worker_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=None if self.setup.debug else subprocess.DEVNULL, close_fds=True,
                )
            except OSError:
                self.count = len(self._threads)  # fewer workers, or none
                break
            thread = _Worker(process, self._jobs, self._results, self.setup)
            self._threads.append(thread)
            self.started += 1
            thread.start()

    def run(self, jobs: Sequence[tuple[int, Job]], done: Done,
            failed: Callable[[int, str], None]) -> list[tuple[int, Job]]:
        """Load ``jobs`` (position, job); ``done``/``failed`` are called in this thread as
        units finish. Returns the jobs no worker could take (to be loaded here)."""
        self._start()
        if not any(t.is_alive() for t in self._threads):
            return list(jobs)
        for item in jobs:
            self._jobs.put(item)
        handled = 0
        try:
            while handled < len(jobs):
                try:
                    index, outcome = self._results.get(timeout=0.05)
                except queue.Empty:
                    if not any(t.is_alive() for t in self._threads) and self._results.empty():
                        break
                    continue
                handled += 1
                if isinstance(outcome, str):
                    failed(index, outcome)
                else:
                    done(index, outcome)
        except BaseException:
            self.kill()  # interrupted: nothing more is wanted from the workers
            raise
        left = []
        while True:
            try:
                item = self._jobs.get_nowait()
            except queue.Empty:
                break
            if item is not _STOP:
                left.append(item)
        return left

    def kill(self) -> None:
        for thread in self._threads:
            thread.process.kill()

    def close(self) -> None:
        """Let every worker finish and wait for it (a worker that does not stop is killed)."""
        for _ in self._threads:
            self._jobs.put(_STOP)
        for thread in self._threads:
            thread.join(timeout=5)
            process = thread.process
            try:
                process.wait(timeout=5)
            except Exception:  # noqa: BLE001 - stuck: killed
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
        self._threads.clear()
