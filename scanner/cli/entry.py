"""How the ``trailscan`` process ends (the console script and ``python -m scanner``).

A normal interpreter exit frees every object the run made, one by one: lark's parse
tables, the modules, the model. That took longer than the scan of one file (some 60 ms of
a 0.27 s pre-commit run). Nothing of trailscan needs it: ``-o`` reports are renamed into
place before ``main`` returns, the worker processes are waited for, the progress line is
erased, temporary directories are removed by the code that made them, and nothing
registers ``atexit`` work. So the process ends with ``os._exit`` once the standard
streams and any logging handlers are flushed.

Only the process's own entry points end this way; ``main`` returns normally for callers
in the same process (tests, the cfn-lint plugin). When ``main`` raises, the interpreter
ends normally (``main`` turns every error into an exit code, so that is a bug's path).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import NoReturn

BROKEN_PIPE = 1  # what ``main`` answers when the reader of its output went away


def flush_streams(code: int) -> int:
    """Flush stdout and stderr (and logging's handlers, if anything set them up); the exit
    code, which a report that could not be delivered turns into a failure."""
    logging = sys.modules.get("logging")
    if logging is not None:
        try:
            logging.shutdown()
        except Exception:  # noqa: BLE001 - a handler that cannot flush is not a scan failure
            pass
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:  # ``trailscan ... | head -1``: the reader has what it wanted
        code = code or BROKEN_PIPE
    except (OSError, ValueError) as exc:  # a full disk under ``> report.json``: say so
        _say(f"trailscan: error: cannot write the report to stdout: {exc}")
        code = 2
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
    except (OSError, ValueError):  # nowhere left to say anything
        pass
    return code


def _say(line: str) -> None:
    try:
        if sys.stderr is not None:
            sys.stderr.write(line + "\n")
    except (OSError, ValueError):
        pass


def run(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the command line and end the process without the interpreter's teardown."""
    from scanner.cli.app import main
    from scanner.lifetime import claim_process

    claim_process()
    code = main(argv)
    os._exit(flush_streams(code))
