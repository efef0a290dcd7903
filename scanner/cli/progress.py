"""A progress line on the terminal for scans long enough to wonder about.

It goes to stderr only when stderr is a terminal, appears only once a scan has run for
about a second (a pre-commit run of one file never shows it), is rewritten in place with
``\\r`` at most ten times a second, and is erased before anything else is printed, so a
report never contains it and a pipe or a CI log never sees it. ``--no-progress`` turns
it off.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

SHOW_AFTER_SECONDS = 1.0
REDRAW_SECONDS = 0.1


class ProgressLine:
    """``trailscan: parsed 120/610 files`` on one terminal line (see ``scanner.scan.Progress``)."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self._stream = stream
        self._clock = clock
        self._started = clock()
        self._drawn_at: float | None = None
        self._width = 0
        self._done = 0
        self._total = 0

    def start(self, total: int) -> None:
        self._total = total
        self._done = 0
        self._draw()

    def advance(self, files: int) -> None:
        self._done = min(self._total, self._done + files)
        self._draw()

    def finish(self) -> None:
        """Erase the line (if one was drawn): the cursor is back where it was."""
        if self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()
            self._width = 0

    def _draw(self) -> None:
        now = self._clock()
        if now - self._started < SHOW_AFTER_SECONDS:
            return
        if self._drawn_at is not None and now - self._drawn_at < REDRAW_SECONDS and self._done < self._total:
            return
        self._drawn_at = now
        text = f"trailscan: parsed {self._done}/{self._total} files"
        padding = " " * max(0, self._width - len(text))
        self._stream.write("\r" + text + padding)
        self._stream.flush()
        self._width = max(self._width, len(text))


def progress_for(stream: TextIO, enabled: bool) -> ProgressLine | None:
    """A progress line when asked for and ``stream`` is a terminal, else None."""
    if not enabled:
        return None
    isatty = getattr(stream, "isatty", None)
    try:
        return ProgressLine(stream) if isatty is not None and isatty() else None
    except (OSError, ValueError):  # a closed or odd stream: no progress, never an error
        return None
