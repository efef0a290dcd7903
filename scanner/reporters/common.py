"""Pieces every reporter shares: one summary, one ordering, one severity vocabulary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scanner.engine import Finding
from scanner.model import Severity

if TYPE_CHECKING:
    from scanner.scan import ScanResult

SEVERITY_ORDER: tuple[Severity, ...] = (
    Severity.CRITICAL,
    Severity.HIGH,
    Severity.MEDIUM,
    Severity.LOW,
)


def visible_findings(result: ScanResult, show_suppressed: bool) -> list[Finding]:
    return [f for f in result.findings if show_suppressed or not f.suppressed]


def summary(result: ScanResult) -> dict[str, Any]:
    """The numbers every format reports (scanned / not ours / failed files included)."""
    active = result.active()
    by_severity = {s.name.lower(): 0 for s in SEVERITY_ORDER}
    for f in active:
        by_severity[f.severity.name.lower()] += 1
    statuses: dict[str, int] = {}
    for e in result.evaluations:
        statuses[e.status] = statuses.get(e.status, 0) + 1
    return {
        "exit_code": result.exit_code(),
        "fail_on": result.fail_on.name.lower(),
        "findings": len(active),
        "blocking": len(result.blocking()),
        "suppressed": sum(1 for f in result.findings if f.suppressed),
        "by_severity": by_severity,
        "evaluations": dict(sorted(statuses.items())),
        "files": {
            "scanned": len(result.files.scanned),
            "not_ours": len(result.files.not_ours),
            "failed": len(result.files.failed),
        },
        "units": len(result.units),
        "accounts": list(result.accounts),
        "stale_baseline": len(result.stale_baseline),
    }
