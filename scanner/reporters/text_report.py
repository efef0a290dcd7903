"""Human console output (``--format text``), shaped like a modern linter.

The first line of every finding is exactly ``path:line:col: ID [SEVERITY] message
(resource)`` so that editors and ``grep`` can jump to it; the source lines, the underline
and the fix hint follow, indented, for the human. Colour (ANSI) only when the CLI says the
stream is a terminal and colour is not disabled; the bytes are otherwise plain.
"""

from __future__ import annotations

import re

from scanner.model import Severity, Span
from scanner.reporters import RenderOptions
from scanner.reporters.common import SourceFiles, has_file, summary_line, visible_findings
from scanner.reporters.terminal import escape_controls as _safe
from scanner.reporters.terminal import escape_message
from scanner.results import Finding, ScanResult

# Spans longer than this (a whole resource block) show their first lines only.
MAX_SNIPPET_LINES = 4

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
DIM = "\x1b[2m"
COLOR: dict[Severity, str] = {
    Severity.CRITICAL: "\x1b[1;35m",  # bold magenta
    Severity.HIGH: "\x1b[1;31m",  # bold red
    Severity.MEDIUM: "\x1b[33m",  # yellow
    Severity.LOW: "\x1b[36m",  # cyan
}


class _Paint:
    """Wraps text in ANSI codes only when colour is on, so the plain path stays simple."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if self.enabled and text else text


def _one_line(text: str) -> str:
    return " ".join(text.split())


def header(finding: Finding, paint: _Paint) -> str:
    span = finding.span
    first = (_message_lines(finding) or [finding.title])[0]
    sev = finding.severity
    return (
        f"{paint(BOLD, _safe(span.path))}:{span.line}:{span.column}: "
        f"{paint(COLOR[sev], f'{finding.id} [{sev.name}]')} {_one_line(first)} "
        f"({_safe(finding.resource)})"
    )


def _message_lines(finding: Finding) -> list[str]:
    """The message's own lines, escaped: split at its newlines only, so a CR, another
    separator or a newline inside a quoted name stays in its line (shown escaped)."""
    names = (finding.resource, *(r.ref for r in finding.related))
    text = escape_message(finding.message.strip(), names)
    return text.split("\n") if text else []


def snippet(span: Span, sources: SourceFiles, paint: _Paint, color: str) -> list[str]:
    """Numbered source lines of the span with a caret underline under a one-line span."""
    lines = sources.lines(span.path) if has_file(span) else None
    if lines is None or not 1 <= span.line <= len(lines):
        return []
    last = min(max(span.end_line, span.line), len(lines))
    shown = list(range(span.line, min(last, span.line + MAX_SNIPPET_LINES - 1) + 1))
    width = len(str(shown[-1]))
    blank = paint(DIM, " " * width + " |")
    out = []
    for number in shown:
        code = _safe(lines[number - 1].replace("\t", " "))
        out.append(f"  {paint(DIM, f'{number:>{width}} |')} {code}".rstrip())
    if last > shown[-1]:
        more = last - shown[-1]
        out.append(f"  {blank} ... ({more} more line{'s' if more != 1 else ''})")
    if span.line == last:
        code = lines[span.line - 1].replace("\t", " ")
        start = min(span.column, len(code) + 1)
        end = span.end_column if span.end_column > span.column else len(code.rstrip()) + 1
        end = min(end, len(code) + 1)
        # Columns count source characters; the line is shown escaped, so measure it so.
        lead = len(_safe(code[: start - 1]))
        length = max(len(_safe(code[start - 1 : end - 1])), 1)
        marks = paint(color, "^" * length)
        out.append(f"  {blank} {' ' * lead}{marks}")
    return out


# ``## How to fix`` has one line per IaC format ("Terraform: ...", "CloudFormation: ...");
# a finding shows only the line for its own format.
FIX_LABEL = re.compile(r"(?:^|(?<=[.\s]))(Terraform|CloudFormation):\s*")
FORMAT_LABEL = {"terraform": "Terraform", "cloudformation": "CloudFormation"}
TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")


def file_formats(result: ScanResult) -> dict[str, str]:
    """Each scanned file's format, from the unit (root module or template) it belongs to."""
    return {path: unit.format for unit in result.units for path in unit.files}


def format_of(path: str, formats: dict[str, str]) -> str:
    """The unit's format, or the file's suffix for a file no unit holds (one that failed
    to parse); "" when neither says (the account-level finding of a mixed scan)."""
    if path in formats:
        return formats[path]
    if path.endswith(TERRAFORM_SUFFIXES):
        return "terraform"
    if path.endswith((".yaml", ".yml", ".json", ".template")):
        return "cloudformation"
    return ""


def fix_lines(fix: str, fmt: str) -> list[str]:
    """The fix text for one format: the part labelled with it when the text is labelled
    by format, else the whole text."""
    text = " ".join(fix.split())
    parts = FIX_LABEL.split(text)
    labelled = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    wanted = FORMAT_LABEL.get(fmt, "")
    if wanted in labelled and labelled[wanted]:
        return [labelled[wanted]]
    return [line.strip() for line in fix.strip().splitlines() if line.strip()]


def _block(
    finding: Finding,
    sources: SourceFiles,
    paint: _Paint,
    formats: dict[str, str],
    several_accounts: bool,
) -> list[str]:
    out = [header(finding, paint)]
    rest = _message_lines(finding)[1:]
    out += [f"    {line}" for line in rest]
    out += snippet(finding.span, sources, paint, COLOR[finding.severity])
    for rel in finding.related:
        where = f"{_safe(rel.span.path)}:{rel.span.line}" if has_file(rel.span) else "(no file)"
        out.append(f"  {paint(DIM, 'related:')} {_safe(rel.label)} {_safe(rel.ref)} ({where})")
    if several_accounts:
        out.append(f"  {paint(DIM, 'account:')} {_safe(finding.account)}")
    if finding.suppressed:
        out.append(f"  {paint(DIM, 'suppressed:')} {_safe(finding.suppression_text) or 'yes'}")
    if finding.fix:
        lines = fix_lines(finding.fix, format_of(finding.span.path, formats))
        out.append(f"  {paint(BOLD, 'fix:')} {lines[0]}")
        out += [f"       {line}" for line in lines[1:]]
    return out


def render(result: ScanResult, options: RenderOptions) -> str:
    paint = _Paint(options.color)
    lines: list[str] = []
    if not options.quiet:
        sources = SourceFiles.of(result)
        formats = file_formats(result)
        several = len(set(result.accounts)) > 1
        for finding in visible_findings(result, options.show_suppressed):
            lines += _block(finding, sources, paint, formats, several)
            lines.append("")
    blocking = result.blocking()
    verdict = paint(COLOR[Severity.HIGH], "FAIL") if blocking else paint(BOLD, "ok")
    lines.append(f"{verdict}: {summary_line(result)}")
    return "\n".join(lines) + "\n"
