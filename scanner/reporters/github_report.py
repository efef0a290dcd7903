"""GitHub Actions workflow commands (``--format github``): inline PR annotations.

GitHub shows at most 10 annotations of each type per step (50 per job) and drops the
rest silently, so this reporter spends its budget on the most severe findings first,
then says in plain words how many it left out and where to see them (SARIF upload).
Annotations are a supplement to SARIF and the Markdown summary, never the only record.

Two layers of escaping, in this order: control characters from the scanned files (ESC
sequences, bidi overrides; the Actions log renders ANSI) become visible escapes, keeping
the message's own line breaks; then the workflow-command escaping of ``@actions/core``
(``%``, CR and LF in the message; also ``:`` and ``,`` in properties), so that no value can
end the command or start another one.
"""

from __future__ import annotations

from scanner.model import Severity
from scanner.reporters import RenderOptions
from scanner.reporters.common import by_severity, has_file, message_with_resource, summary_line
from scanner.reporters.terminal import escape_controls, escape_message
from scanner.results import Finding, ScanResult

COMMAND: dict[Severity, str] = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
}


def escape_data(text: str) -> str:
    """Message escaping as done by @actions/core (``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Property escaping as done by @actions/core (``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    props: list[tuple[str, str]] = []
    span = finding.span
    if has_file(span):
        props += [("file", escape_controls(span.path)), ("line", str(span.line))]
        if span.end_line and span.end_line != span.line:
            props.append(("endLine", str(span.end_line)))
        else:
            # col/endColumn only make sense on a single line (GitHub ignores them otherwise).
            props.append(("col", str(span.column)))
            if span.end_column > span.column:
                props.append(("endColumn", str(span.end_column)))
    title = f"trailscan {finding.id} [{finding.severity.name}] {finding.title}"
    props.append(("title", escape_controls(title)))
    names = (finding.resource, *(r.ref for r in finding.related))
    message = escape_message(message_with_resource(finding), names)
    if finding.fix:
        message += f"\nHow to fix: {finding.fix}"
    rendered = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{COMMAND[finding.severity]} {rendered}::{escape_data(message)}"


def render(result: ScanResult, options: RenderOptions) -> str:
    findings = by_severity([f for f in result.findings if not f.suppressed])
    budget = max(options.max_annotations, 0)
    used: dict[str, int] = {}
    lines: list[str] = []
    left_out = 0
    for finding in findings:
        level = COMMAND[finding.severity]
        if used.get(level, 0) >= budget:
            left_out += 1
            continue
        used[level] = used.get(level, 0) + 1
        lines.append(annotation(finding))
    if left_out:
        lines.append(
            f"trailscan: {left_out} more finding{'s' if left_out != 1 else ''} not annotated "
            f"(GitHub shows at most {budget} annotations of each type per step); upload the "
            "SARIF report (--output sarif=trailscan.sarif) to see every finding in code scanning."
        )
    lines.append(f"trailscan: {summary_line(result)}")
    return "\n".join(lines) + "\n"
