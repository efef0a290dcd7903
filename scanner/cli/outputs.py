"""Where reports go: ``-o FORMAT=FILE`` (``-`` is stdout).

Every target is checked before the scan (its directory must exist: ``-o`` never creates
directories), and nothing is written unless the scan succeeded (exit 0 or 1). Each
report is first written to a temporary file in its target's directory; only when all of
them are complete are they renamed into place, so a failure leaves no partial report and
a reader never sees half a SARIF file.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from scanner.reporters import FORMATS

STDOUT = "-"


class OutputError(Exception):
    """A report target that cannot be written (exit 2)."""


def _output(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected FORMAT=FILE, got {text!r}")
    fmt, path = text.split("=", 1)
    fmt = fmt.strip()
    if fmt not in FORMATS:
        raise argparse.ArgumentTypeError(
            f"unknown format {fmt!r} in --output (expected one of: {', '.join(FORMATS)})"
        )
    if not path:
        raise argparse.ArgumentTypeError(f"no file in {text!r} (use FORMAT=- for stdout)")
    return fmt, path


def add_output_option(group: argparse._ArgumentGroup) -> None:
    group.add_argument(
        "--output",
        "-o",
        action="append",
        type=_output,
        default=[],
        metavar="FORMAT=FILE",
        help=f"also write FORMAT ({', '.join(FORMATS)}) to FILE, or to stdout with FILE '-'; "
        "written only when the scan completes; repeatable",
    )


def check_targets(outputs: Sequence[tuple[str, str]]) -> None:
    """Refuse, before any work, a report that could not be written."""
    seen: set[str] = set()
    for fmt, name in outputs:
        if name == STDOUT:
            continue
        path = Path(name)
        key = os.path.normcase(os.path.abspath(path))
        if key in seen:
            raise OutputError(f"cannot write {fmt} report to {name}: named twice in --output")
        seen.add(key)
        parent = path.parent
        if not parent.is_dir():
            raise OutputError(
                f"cannot write {fmt} report to {name}: directory {parent} does not exist"
            )
        if path.is_dir():
            raise OutputError(f"cannot write {fmt} report to {name}: it is a directory")
        if path.exists() and not path.is_file():
            raise OutputError(f"cannot write {fmt} report to {name}: not a regular file")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise OutputError(f"cannot write {fmt} report to {name}: directory {parent} is not writable")


def _file_mode(target: Path) -> int:
    """The mode a plain ``open(target, "w")`` would give (mkstemp's 0600 would make the
    report unreadable to the next step of a pipeline running as another user)."""
    if target.is_file():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_reports(
    outputs: Sequence[tuple[str, str]], render: Callable[[str], str], stdout: Callable[[str], None]
) -> None:
    """Render every report, write them all to temporary files, then rename them into place
    (and print the one that goes to stdout)."""
    staged: list[tuple[str, Path]] = []
    printed: list[str] = []
    try:
        for fmt, name in outputs:
            text = render(fmt)
            if name == STDOUT:
                printed.append(text)
                continue
            target = Path(name)
            try:
                import tempfile  # only for -o FILE: a console report never pays for it

                fd, tmp = tempfile.mkstemp(
                    dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
                )
                staged.append((tmp, target))
                os.chmod(tmp, _file_mode(target))
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                    fh.write(text)
            except OSError as exc:
                raise OutputError(
                    f"cannot write {fmt} report to {name}: {exc.strerror or exc}"
                ) from None
        for tmp, target in staged:
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise OutputError(f"cannot write report to {target}: {exc.strerror or exc}") from None
        staged = []
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    for text in printed:
        stdout(text)
