"""What a scan produces: findings, evaluations, the scan result, and their JSON shape.

The engine and the scan driver build these; reporters, the baseline and ``trailscan diff``
only read them. Keeping them here (and not in the modules that build them) lets every
reader depend on the data without depending on how it was computed.
"""

from __future__ import annotations

import enum
from dataclasses import field
from pathlib import Path
from typing import Any

from scanner.config import Config
from scanner.digest import sha256
from scanner.model import (
    INTERNAL_ERROR,
    PARSE_ERROR,
    SUPPRESSION_WITHOUT_REASON,
    UNUSED_SUPPRESSION,
    Model,
    Severity,
    Span,
    Unit,
)
from scanner.policy import PolicySpec, Related
from scanner.valueclass import ValueObject, value_class


class WaiverKind(enum.StrEnum):
    """Where the decision to accept a finding was written."""

    INLINE = "inline"  # a trailscan comment or CloudFormation Metadata next to the resource
    CHECKOV = "checkov"  # a checkov skip next to the resource
    TRIVY = "trivy"  # a trivy ignore comment (no reason in its syntax)
    TFSEC = "tfsec"  # a tfsec ignore comment (no reason in its syntax)
    CONFIG = "config"  # ``[[tool.trailscan.suppressions]]``
    BASELINE = "baseline"  # the baseline file


@value_class()
class Waiver(ValueObject):
    """Why a finding is suppressed: where that was decided, and the reason given there."""

    kind: WaiverKind
    reason: str = ""

    @property
    def external(self) -> bool:
        """Decided outside the scanned source (config file, baseline)."""
        return self.kind in (WaiverKind.CONFIG, WaiverKind.BASELINE)

    @property
    def text(self) -> str:
        """The one written form, as every report shows it: ``inline: <reason>``, ``baseline``."""
        return f"{self.kind.value}: {self.reason}" if self.reason else self.kind.value


@value_class(kw_only=True)
class Finding(ValueObject):
    """One finding of a policy on a resource, where it is, and whether it is waived."""

    id: str
    name: str
    severity: Severity
    title: str
    message: str
    resource: str
    span: Span
    account: str = "default"
    related: tuple[Related, ...] = ()
    suppressed: bool = False
    suppression: Waiver | None = None  # how it was suppressed (None: not, or not said)
    fix: str = ""

    @property
    def suppression_text(self) -> str:
        """How it was suppressed, as reports print it ("" when it was not said)."""
        return self.suppression.text if self.suppression is not None else ""

    @property
    def fingerprint(self) -> str:
        """Stable across edits that move lines: id + path + resource, never the line."""
        key = f"{self.id}\x00{self.span.path}\x00{self.resource}"
        return sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]

    def sort_key(self) -> tuple[Any, ...]:
        return (
            self.span.path,
            self.span.line,
            self.span.column,
            self.id,
            self.resource,
            self.message,
        )


class Status(enum.StrEnum):
    """What one evaluation of a policy on one subject came to (its ``value`` is the JSON)."""

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    SUPPRESSED = "suppressed"  # failed, and every finding it produced is suppressed
    NOT_APPLICABLE = "not_applicable"  # the policy found nothing in scope to judge


@value_class(kw_only=True)
class Evaluation(ValueObject):
    """What one policy concluded about one subject of one account (its status and why),
    for the reports that list passes and unknowns as well as failures."""

    policy: str
    subject: str
    status: Status
    span: Span | None
    account: str = "default"
    reason: str = ""

    def sort_key(self) -> tuple[Any, ...]:
        return (self.policy, self.account, self.subject, self.status.value)


@value_class(frozen=False)
class EngineResult(ValueObject):
    """What the engine gives back: the findings and every evaluation behind them."""

    findings: list[Finding] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)


def is_blocking(finding: Finding, fail_on: Severity) -> bool:
    """The one rule for "this finding fails the run": unsuppressed and at or above
    ``fail_on``, or a file that could not be parsed (something was not checked)."""
    return not finding.suppressed and (finding.severity >= fail_on or finding.id == PARSE_ERROR)


# ---------------------------------------------------------------------------
# The engine's own ids
# ---------------------------------------------------------------------------

# Engine-owned ids that have no policy module but appear in reports and `list`.
BUILTIN_SPECS: tuple[PolicySpec, ...] = tuple(
    PolicySpec(
        id=pid,
        name=name,
        severity=sev,
        title=title,
        doc=f"## Why is this bad?\n{why}\n\n## How to fix\n{fix}",
        why=why,
        how_to_fix=fix,
        references="",
        controls=(),
        aliases=(),
        formats=("terraform", "cloudformation"),
        func=None,
        module="scanner.results",
    )
    for pid, name, sev, title, why, fix in (
        (
            INTERNAL_ERROR,
            "internal-error",
            Severity.HIGH,
            "A policy failed with an internal error",
            "A policy raised an exception, so its verdict for this account is missing: the "
            "scan is incomplete and a real problem may be hidden.",
            "Report the message (run with `--debug` for the traceback); the other policies "
            "ran normally.",
        ),
        (
            PARSE_ERROR,
            "parse-error",
            Severity.HIGH,
            "A file could not be parsed",
            "A template that cannot be read is a template that is not checked: the trail, "
            "bucket or key it defines is invisible to every policy.",
            "Fix the syntax error at the reported line (the parser's message says what it "
            "expected), or exclude the file if it is not infrastructure code.",
        ),
        (
            SUPPRESSION_WITHOUT_REASON,
            "suppression-without-reason",
            Severity.LOW,
            "A suppression has no reason",
            "A suppression without a reason cannot be reviewed; it does not suppress.",
            "Terraform: `# trailscan:ignore CT008 <reason>`. CloudFormation: "
            "`Metadata: {trailscan: {ignore: [{id: CT008, reason: ...}]}}`.",
        ),
        (
            UNUSED_SUPPRESSION,
            "unused-suppression",
            Severity.LOW,
            "A suppression matched no finding",
            "A stale suppression hides nothing today but will silently hide a future "
            "finding on the same resource.",
            "Remove the suppression (or fix its id).",
        ),
    )
)



_BUILTIN_BY_ID: dict[str, PolicySpec] = {spec.id: spec for spec in BUILTIN_SPECS}


def builtin_spec(pid: str) -> PolicySpec:
    return _BUILTIN_BY_ID[pid]


def builtin_finding(pid: str, *, message: str, resource: str, span: Span, account: str) -> Finding:
    """A finding for one of the engine's own ids (CT900-CT903)."""
    spec = builtin_spec(pid)
    return Finding(
        id=spec.id,
        name=spec.name,
        severity=spec.severity,
        title=spec.title,
        message=message,
        resource=resource,
        span=span,
        account=account,
        fix=spec.how_to_fix,
    )


# ---------------------------------------------------------------------------
# The scan result
# ---------------------------------------------------------------------------


@value_class(frozen=False)
class FileSummary(ValueObject):
    """The files a scan saw, by what became of them: scanned, not Terraform or
    CloudFormation, failed to parse."""

    scanned: list[str] = field(default_factory=list)
    not_ours: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@value_class(frozen=False)
class ScanResult(ValueObject):
    """Everything a report needs from one scan, so reporters never run anything."""

    root: Path
    version: str
    policies: tuple[PolicySpec, ...]
    findings: list[Finding]
    evaluations: list[Evaluation]
    files: FileSummary
    units: list[Unit]
    accounts: list[str]
    config: Config
    fail_on: Severity
    stale_baseline: list[dict[str, str]] = field(default_factory=list)
    nothing_to_scan: bool = False
    # The account models the policies ran over (``trailscan diff`` compares their trails).
    models: list[Model] = field(default_factory=list)
    # ``--fail-on none``: findings never block; a file that could not be parsed still does.
    fail_on_none: bool = False

    def active(self) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed]

    def blocks(self, finding: Finding) -> bool:
        if self.fail_on_none:
            return not finding.suppressed and finding.id == PARSE_ERROR
        return is_blocking(finding, self.fail_on)

    def blocking(self) -> list[Finding]:
        return [f for f in self.active() if self.blocks(f)]

    def exit_code(self) -> int:
        """0 clean, 1 blocking findings, 2 nothing scannable (the README's table).

        A scan whose every file is a CT901 did happen and found problems: that is 1, not
        "nothing scannable", which is only a directory with no IaC at all.
        """
        if self.nothing_to_scan:
            return 2
        return 1 if self.blocking() else 0


# ---------------------------------------------------------------------------
# JSON shape of a finding (the JSON report and ``trailscan diff`` share it)
# ---------------------------------------------------------------------------


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "id": f.id,
        "name": f.name,
        "severity": f.severity.name,
        "title": f.title,
        "message": f.message,
        "resource": f.resource,
        "account": f.account,
        "path": f.span.path,
        "line": f.span.line,
        "end_line": f.span.end_line,
        "column": f.span.column,
        "end_column": f.span.end_column,
        "related": [
            {"label": r.label, "resource": r.ref, "path": r.span.path, "line": r.span.line}
            for r in f.related
        ],
        "fix": f.fix,
        "suppressed": f.suppressed,
        "suppression": f.suppression_text,
        "fingerprint": f.fingerprint,
    }
