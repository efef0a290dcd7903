"""Hang and memory guards: a test on hostile input fails, it never hangs CI or eats the host.

Work under test runs in a child process with ``resource`` limits (CPU seconds, address
space) and a wall-clock timeout in the parent. A child killed by a limit, or one that does not
answer in time, is a test failure that says which bound it crossed. The limits are generous
hang guards, not speed assertions: a linear algorithm stays far below them on any machine,
a backtracking or quadratic one on a hostile input does not come back for minutes or hours.

``run_guarded(func, *args)`` runs a callable in a forked child and returns its result (or
re-raises its failure as a ``GuardError`` carrying the child's traceback);
``run_cli_guarded(argv)`` runs ``python -m scanner`` under the same limits. Without
``resource`` (Windows) only the wall-clock timeout applies.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

try:
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")

CPU_SECONDS = 20
MEMORY_BYTES = 1024**3  # on top of what the process already maps
WALL_SECONDS = 120
CLI_MEMORY_BYTES = 3 * 1024**3  # a fresh interpreter with cfn-lint maps a lot of address space


class GuardError(AssertionError):
    """The guarded work crossed a bound (or failed): the message says which and how."""


def _mapped_bytes() -> int:
    """The process's current address-space size (Linux), 0 where it cannot be read."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def apply_limits(cpu_seconds: float, address_space: int | None) -> None:
    """Limit this process: CPU seconds (SIGXCPU, then SIGKILL a second later), address
    space in bytes (allocations beyond it fail with MemoryError), and no core files."""
    if resource is None:
        return
    cpu = max(int(cpu_seconds), 1)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if address_space is not None and sys.platform.startswith("linux"):
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))


def _describe_exit(code: int | None, cpu_seconds: float, what: str) -> str:
    if code is not None and code < 0:
        number = -code
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else str(number)
        if number in (signal.SIGXCPU, signal.SIGKILL):
            return f"{what}: killed by {name} (over the {cpu_seconds:g} s CPU limit: a hang or blow-up)"
        return f"{what}: killed by {name}"
    return f"{what}: exited with status {code} without a result"


def _child(conn: Any, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
           cpu_seconds: float, memory_bytes: int | None) -> None:
    try:
        address_space = None if memory_bytes is None else _mapped_bytes() + memory_bytes
        apply_limits(cpu_seconds, address_space)
        result = func(*args, **kwargs)
    except MemoryError:
        conn.send(("memory", f"over the memory limit ({memory_bytes} bytes more than at start)"))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    else:
        try:
            conn.send(("ok", result))
        except Exception as exc:  # noqa: BLE001 - an unpicklable result
            conn.send(("error", f"result cannot be sent back: {exc!r}"))
    finally:
        conn.close()


def run_guarded(
    func: Callable[..., T],
    *args: Any,
    cpu_seconds: float = CPU_SECONDS,
    memory_bytes: int | None = MEMORY_BYTES,
    wall_seconds: float = WALL_SECONDS,
    **kwargs: Any,
) -> T:
    """``func(*args, **kwargs)`` in a forked child under limits; its return value.

    Raises ``GuardError`` when the child hangs (wall clock), is killed by the CPU limit, runs
    out of its memory allowance, or raises (the child's traceback is in the message).
    """
    if sys.platform == "win32":  # pragma: no cover - no fork: run in-process, unguarded
        return func(*args, **kwargs)
    context = multiprocessing.get_context("fork")
    parent_end, child_end = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(child_end, func, args, kwargs, cpu_seconds, memory_bytes), daemon=True
    )
    process.start()
    child_end.close()
    name = getattr(func, "__qualname__", repr(func))
    try:
        if not parent_end.poll(wall_seconds):
            raise GuardError(f"{name}: no result after {wall_seconds:g} s of wall-clock time (a hang)")
        try:
            status, payload = parent_end.recv()
        except EOFError:
            process.join(wall_seconds)
            raise GuardError(_describe_exit(process.exitcode, cpu_seconds, name)) from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        parent_end.close()
    if status == "ok":
        return payload  # type: ignore[no-any-return]
    raise GuardError(f"{name}: {payload}")


def run_cli_guarded(
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    cpu_seconds: float = CPU_SECONDS * 3,
    memory_bytes: int = CLI_MEMORY_BYTES,
    wall_seconds: float = WALL_SECONDS * 2,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python -m scanner *argv`` under limits; the completed process (any exit code).

    Raises ``GuardError`` on a hang or when a limit killed it; the exit code, stdout and
    stderr are the caller's to check.
    """
    command = [sys.executable, "-m", "scanner", *argv]
    # This checkout's scanner, whatever the working directory (and the installed copy).
    environment = dict(os.environ if env is None else env)
    environment["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), environment.get("PYTHONPATH", "")) if p
    )
    try:
        proc = subprocess.run(  # noqa: S603 - our own CLI, argv from the test
            command,
            cwd=cwd or ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=wall_seconds,
            check=False,
            preexec_fn=(lambda: apply_limits(cpu_seconds, memory_bytes)) if resource else None,  # noqa: PLW1509
        )
    except subprocess.TimeoutExpired:
        raise GuardError(
            f"trailscan {' '.join(argv)}: no exit after {wall_seconds:g} s of wall-clock time (a hang)"
        ) from None
    if proc.returncode < 0:
        raise GuardError(
            _describe_exit(proc.returncode, cpu_seconds, f"trailscan {' '.join(argv)}")
            + f"\nstderr:\n{proc.stderr[-2000:]}"
        )
    if "MemoryError" in proc.stderr:
        raise GuardError(f"trailscan {' '.join(argv)}: over the memory limit\n{proc.stderr[-2000:]}")
    return proc
