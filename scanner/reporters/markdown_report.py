"""Markdown (``--format markdown``) for a PR comment or ``$GITHUB_STEP_SUMMARY``.

A reviewer reads the headline and the blocking table; everything else (fix hints,
non-blocking findings, what could not be decided, which files were not read) is folded
into ``<details>`` so that it is there for whoever asks but costs no scrolling. Every
blocking finding is listed, whether or not it touches the diff: a PR summary that drops
findings outside the changed lines hides exactly the bucket policy that broke delivery.

Links are repository-relative (``path#L12``) and nothing varies between identical runs
(no times, no absolute paths), so the comment can be updated in place without noise.

GitHub refuses a comment over 65,536 characters: when the full report would be longer, the
tables keep the most severe findings and say how many more the SARIF and JSON reports hold.
Everything taken from the scanned code (resource names, paths, messages) is escaped so
that it renders as the text it is: no HTML, no link, no formatting, no broken table.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from scanner.reporters import RenderOptions
from scanner.reporters.common import (
    SEVERITY_ORDER,
    blocks,
    by_severity,
    has_file,
    spec_index,
    summary,
    summary_line,
)
from scanner.results import Evaluation, Finding, ScanResult, Status

# GitHub comments are capped at 65,536 characters; the report stays under this many UTF-8
# bytes (stricter than any way of counting characters).
MAX_BYTES = 65_000
# Rows per table before "and N more"; fewer when the report would be too long.
MAX_ROWS = 100
# One value taken from the scanned code never fills a cell beyond this.
MAX_VALUE = 2000
_ESCAPE = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|~&#"})
ICON = {"critical": "🟥", "high": "🟧", "medium": "🟨", "low": "🟦"}


def _short(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= MAX_VALUE else value[: MAX_VALUE - 1] + "…"


def text(value: str) -> str:
    """Literal text in a table cell or list item: no formatting, no HTML, no line breaks."""
    return _short(value).translate(_ESCAPE)


def code(value: str) -> str:
    """A code span that shows ``value`` literally, whatever backticks it holds: the fence
    is one backtick longer than the longest run inside (CommonMark), padded when the
    value starts or ends with a backtick; a pipe is escaped so a table cell stays whole."""
    value = _short(value).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def link_target(path: str, line: int) -> str:
    """A repository-relative link: every character that is not plain in a URL path is
    percent-encoded, so ``)``, ``<``, ``"`` or a space cannot end or bend the link."""
    return f"{quote(path, safe='/')}#L{line}"


def location(finding: Finding) -> str:
    span = finding.span
    if not has_file(span):
        return f"account {code(finding.account)}"
    return f"[{text(span.path)}:{span.line}]({link_target(span.path, span.line)})"


def _more(n: int) -> list[str]:
    return ["", f"…and {n} more; see the SARIF report (code scanning) or the JSON report for every finding."]


def _table(findings: list[Finding], rows_max: int) -> list[str]:
    rows = ["| Severity | Rule | Location | Resource | Message |", "|---|---|---|---|---|"]
    for f in findings[:rows_max]:
        sev = f.severity.name.lower()
        rows.append(
            f"| {ICON[sev]} {f.severity.name} | {code(f.id)} {text(f.name)} | {location(f)} "
            f"| {code(f.resource)} | {text(f.message or f.title)} |"
        )
    if len(findings) > rows_max:
        rows += _more(len(findings) - rows_max)
    return rows


def _details(summary_text: str, body: list[str]) -> list[str]:
    return ["<details>", f"<summary>{summary_text}</summary>", "", *body, "", "</details>", ""]


def _fixes(findings: list[Finding], rows_max: int) -> list[str]:
    out = []
    for f in findings[:rows_max]:
        where = (
            code(f"{f.span.path}:{f.span.line}")
            if has_file(f.span)
            else f"account {code(f.account)}"
        )
        out.append(f"- {code(f.id)} {code(f.resource)} at {where}: {text(f.message)}")
        if f.fix:
            # Fix hints are the policies' own Markdown (docstrings): rendered, not escaped.
            out.append(f"  - How to fix: {' '.join(f.fix.split())}")
    if len(findings) > rows_max:
        out += _more(len(findings) - rows_max)
    return out


def _checked(result: ScanResult, rows_max: int) -> list[str]:
    data = summary(result)
    rows = ["| Status | Evaluations |", "|---|---:|"]
    for status in Status:
        count = data["evaluations"].get(status.value, 0)
        rows.append(f"| {status.value.replace('_', ' ')} | {count} |")
    unknown: list[Evaluation] = [e for e in result.evaluations if e.status is Status.UNKNOWN]
    if unknown:
        rows += [
            "",
            "Not decidable statically (a value is unknown before deploy; `--strict` reports "
            "these as findings):",
            "",
        ]
        for e in unknown[:rows_max]:
            rows.append(f"- {code(e.policy)} {code(e.subject)}: {text(e.reason or 'unknown')}")
        if len(unknown) > rows_max:
            rows += _more(len(unknown) - rows_max)
    files = result.files
    rows += [
        "",
        f"Files: {len(files.scanned)} scanned, {len(files.not_ours)} not ours "
        f"(not Terraform or CloudFormation), {len(files.failed)} failed to parse.",
    ]
    if files.failed:
        rows.append("")
        rows += [f"- failed: {code(path)}" for path in files.failed[:rows_max]]
        if len(files.failed) > rows_max:
            rows += ["", f"…and {len(files.failed) - rows_max} more files."]
    return rows


def render(result: ScanResult, options: RenderOptions) -> str:
    """The whole report with up to MAX_ROWS rows per list, or fewer rows until it fits."""
    rows_max = MAX_ROWS
    while True:
        out = _render(result, options, rows_max)
        if len(out.encode("utf-8", "surrogateescape")) <= MAX_BYTES or rows_max == 0:
            return out
        rows_max //= 2


def _render(result: ScanResult, options: RenderOptions, rows_max: int) -> str:
    data = summary(result)
    active = by_severity(result.active())
    blocking = [f for f in active if blocks(result, f)]
    other = [f for f in active if not blocks(result, f)]
    if result.nothing_to_scan:
        head = "## ⚠️ trailscan: nothing to scan (no Terraform or CloudFormation found)"
    elif blocking:
        n = len(blocking)
        head = (
            f"## ❌ trailscan: {n} blocking finding{'s' if n != 1 else ''} "
            f"(at or above {data['fail_on']})"
        )
    else:
        head = f"## ✅ trailscan: no blocking findings (at or above {data['fail_on']})"
    lines = [head, "", text(summary_line(result)), ""]
    lines += ["| Severity | Findings | Blocking |", "|---|---:|---:|"]
    for sev in SEVERITY_ORDER:
        name = sev.name.lower()
        n_block = sum(1 for f in blocking if f.severity is sev)
        lines.append(
            f"| {ICON[name]} {sev.name.title()} | {data['by_severity'][name]} | {n_block} |"
        )
    lines.append("")
    if blocking:
        lines += ["### Blocking findings", "", *_table(blocking, rows_max), ""]
        lines += _details(f"How to fix ({len(blocking)})", _fixes(blocking, rows_max))
    if other:
        lines += _details(
            f"Non-blocking findings ({len(other)})",
            [*_table(other, rows_max), "", *_fixes(other, rows_max)],
        )
    suppressed = [f for f in result.findings if f.suppressed]
    if suppressed and options.show_suppressed:
        body = [
            f"- {code(f.id)} {code(f.resource)}: {text(f.suppression_text or 'suppressed')}"
            for f in suppressed[:rows_max]
        ]
        if len(suppressed) > rows_max:
            body += _more(len(suppressed) - rows_max)
        lines += _details(f"Suppressed findings ({len(suppressed)})", body)
    lines += _details("What was checked", _checked(result, rows_max))
    specs = spec_index(result)
    enabled = sorted(s for s in specs if specs[s].func is not None)
    if enabled:
        lines.append(
            f"<sub>trailscan {text(result.version)} · {len(enabled)} policies enabled</sub>"
        )
    else:
        lines.append(f"<sub>trailscan {text(result.version)}</sub>")
    return "\n".join(lines).rstrip("\n") + "\n"
