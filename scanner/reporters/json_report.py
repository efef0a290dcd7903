"""The JSON report (``--format json``), shaped as in the design (version 1)."""

from __future__ import annotations

from typing import Any

from scanner.model import ERROR_IDS
from scanner.reporters import RenderOptions
from scanner.reporters.common import summary
from scanner.reporters.jsontext import indented_json
from scanner.results import ScanResult, finding_dict


def report_dict(result: ScanResult, options: RenderOptions) -> dict[str, Any]:
    # JSON keeps suppressed findings (flagged) so an audit sees every decision.
    findings = result.findings
    return {
        "version": 1,
        "tool": {"name": "trailscan", "version": result.version},
        "findings": [finding_dict(f) for f in findings],
        "evaluations": [
            {
                "policy": e.policy,
                "account": e.account,
                "subject": e.subject,
                "status": e.status.value,
                "path": e.span.path if e.span else None,
                "line": e.span.line if e.span else None,
                "reason": e.reason,
            }
            for e in result.evaluations
        ],
        "errors": [
            {"id": f.id, "path": f.span.path, "line": f.span.line, "message": f.message}
            for f in result.findings
            if f.id in ERROR_IDS
        ],
        "files": {
            "scanned": result.files.scanned,
            "not_ours": result.files.not_ours,
            "failed": result.files.failed,
        },
        "stale_baseline": result.stale_baseline,
        "summary": summary(result),
    }


def render(result: ScanResult, options: RenderOptions) -> str:
    return indented_json(report_dict(result, options)) + "\n"
