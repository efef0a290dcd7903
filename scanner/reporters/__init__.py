"""Report formats. Each module exposes ``render(result, options) -> str``.

Reporters only format a ``ScanResult``; they never re-evaluate anything, so every format
tells the same story. They must be deterministic: the same result gives the same bytes.
"""

from __future__ import annotations

import importlib

from scanner.results import ScanResult
from scanner.valueclass import ValueObject, value_class

FORMATS: tuple[str, ...] = ("text", "json", "sarif", "junit", "github", "markdown")


@value_class(kw_only=True)
class RenderOptions(ValueObject):
    """What a report's rendering depends on besides the scan's result."""

    color: bool = False
    quiet: bool = False
    show_suppressed: bool = False
    # GitHub annotations per step are capped; the github reporter stops there.
    max_annotations: int = 10
    # SARIF ``run.automationDetails.id``. upload-sarif's ``category`` input only fills this
    # when it is absent, so two trailscan analyses of one repository need distinct values
    # here; "" leaves it out (then upload-sarif's ``category`` / job key applies).
    sarif_category: str = "trailscan/"


def render(fmt: str, result: ScanResult, options: RenderOptions) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (expected one of: {', '.join(FORMATS)})")
    module = importlib.import_module(f"scanner.reporters.{fmt}_report")
    return module.render(result, options)
