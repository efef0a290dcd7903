"""Objects made to live as long as the process: modules (the command line's, the policies',
the front ends'), their classes and functions, lark's parse tables; and whether the
process is trailscan's own (``claim_process``).

The cyclic collector would walk them again and again to free nothing: a collection of the
young generation runs every 700 new objects, and what it does not free it walks again in
the older generations. ``for_good`` pauses the collector while such objects are made, then
freezes every object that exists (``gc.freeze``: out of the collector's sight, as
``run_scan`` does with what existed before a scan, until that scan's ``gc.unfreeze``).
Start-up and the front ends' imports spent 4 to 8 ms of a one-file scan in the collector;
lark's tables, another 10 ms.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def for_good() -> Iterator[None]:
    """Pause the cyclic collector while the block makes long-lived objects; freeze them."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


_OWN_PROCESS = False


def claim_process() -> None:
    """Say that this process runs trailscan's command line and nothing else (its entry
    point, ``scanner.cli.entry``, says so; a program that imports trailscan does not):
    what trailscan loads may then be set up for trailscan alone."""
    global _OWN_PROCESS
    _OWN_PROCESS = True


def owns_process() -> bool:
    """True in a process that ``claim_process`` claimed."""
    return _OWN_PROCESS
