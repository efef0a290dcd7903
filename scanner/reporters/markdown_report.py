"""Markdown (``--format markdown``) for a PR comment or ``$GITHUB_STEP_SUMMARY``.

A reviewer reads the headline and the blocking table; everything else (fix hints,
non-blocking findings, what could not be decided, which files were not read) is folded
into ``<details>`` so that it is there for whoever asks but costs no scrolling. Every
blocking finding is listed, whether or not it touches the diff: a PR summary that drops
findings outside the changed lines hides exactly the bucket policy that broke delivery.

Links are repository-relative (``path#L12``) and nothing varies between identical runs
(no times, no absolute paths), so the comment can be updated in place without noise.
"""

from __future__ import annotations

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

# GitHub comments are capped at 65,536 characters; keep tables well below that.
MAX_ROWS = 100
_ESCAPE = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|~&#"})
ICON = {"critical": "🟥", "high": "🟧", "medium": "🟨", "low": "🟦"}


def text(value: str) -> str:
    """Literal text in a table cell or list item: no formatting, no HTML, no line breaks."""
    return " ".join(value.split()).translate(_ESCAPE)


def code(value: str) -> str:
    """A code span that survives backticks and table pipes in the value."""
    value = " ".join(value.split()).replace("|", "\\|")
    fence = "``" if "`" in value else "`"
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def location(finding: Finding) -> str:
    span = finding.span
    if not has_file(span):
        return f"account {code(finding.account)}"
    target = span.path.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return f"[{text(span.path)}:{span.line}]({target}#L{span.line})"


def _table(findings: list[Finding]) -> list[str]:
    rows = ["| Severity | Rule | Location | Resource | Message |", "|---|---|---|---|---|"]
    for f in findings[:MAX_ROWS]:
        sev = f.severity.name.lower()
        rows.append(
            f"| {ICON[sev]} {f.severity.name} | {code(f.id)} {text(f.name)} | {location(f)} "
            f"| {code(f.resource)} | {text(f.message or f.title)} |"
        )
    if len(findings) > MAX_ROWS:
        rows.append("")
        rows.append(
            f"…and {len(findings) - MAX_ROWS} more; the JSON or SARIF report lists every finding."
        )
    return rows


def _details(summary_text: str, body: list[str]) -> list[str]:
    return ["<details>", f"<summary>{summary_text}</summary>", "", *body, "", "</details>", ""]


def _fixes(findings: list[Finding]) -> list[str]:
    out = []
    for f in findings[:MAX_ROWS]:
        where = (
            code(f"{f.span.path}:{f.span.line}")
            if has_file(f.span)
            else f"account {code(f.account)}"
        )
        out.append(f"- {code(f.id)} {code(f.resource)} at {where}: {text(f.message)}")
        if f.fix:
            # Fix hints are the policies' own Markdown (docstrings): rendered, not escaped.
            out.append(f"  - How to fix: {' '.join(f.fix.split())}")
    return out


def _checked(result: ScanResult) -> list[str]:
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
        for e in unknown[:MAX_ROWS]:
            rows.append(f"- {code(e.policy)} {code(e.subject)}: {text(e.reason or 'unknown')}")
    files = result.files
    rows += [
        "",
        f"Files: {len(files.scanned)} scanned, {len(files.not_ours)} not ours "
        f"(not Terraform or CloudFormation), {len(files.failed)} failed to parse.",
    ]
    if files.failed:
        rows.append("")
        rows += [f"- failed: {code(path)}" for path in files.failed[:MAX_ROWS]]
    return rows


def render(result: ScanResult, options: RenderOptions) -> str:
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
        lines += ["### Blocking findings", "", *_table(blocking), ""]
        lines += _details(f"How to fix ({len(blocking)})", _fixes(blocking))
    if other:
        lines += _details(
            f"Non-blocking findings ({len(other)})", [*_table(other), "", *_fixes(other)]
        )
    suppressed = [f for f in result.findings if f.suppressed]
    if suppressed and options.show_suppressed:
        body = [
            f"- {code(f.id)} {code(f.resource)}: {text(f.suppression_text or 'suppressed')}"
            for f in suppressed[:MAX_ROWS]
        ]
        lines += _details(f"Suppressed findings ({len(suppressed)})", body)
    lines += _details("What was checked", _checked(result))
    specs = spec_index(result)
    enabled = sorted(s for s in specs if specs[s].func is not None)
    if enabled:
        lines.append(
            f"<sub>trailscan {text(result.version)} · {len(enabled)} policies enabled</sub>"
        )
    else:
        lines.append(f"<sub>trailscan {text(result.version)}</sub>")
    return "\n".join(lines).rstrip("\n") + "\n"
