"""Markdown summary: verdict, counts, every blocking finding linked, safe escaping."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from markdown_it import MarkdownIt
from report_data import FIXTURES, TF, synthetic_result

from scanner.model import Severity, Span
from scanner.reporters import RenderOptions, render
from scanner.reporters.markdown_report import MAX_BYTES, code, link_target, text
from scanner.results import Finding, ScanResult


def md(**options: object) -> str:
    return render("markdown", synthetic_result(), RenderOptions(**options))


def test_headline_verdict() -> None:
    assert md().startswith("## ❌ trailscan: 6 blocking findings (at or above high)\n")
    clean = replace(
        synthetic_result(),
        findings=[
            f for f in synthetic_result().findings if f.severity < Severity.HIGH and f.id != "CT901"
        ],
    )
    out = render("markdown", clean, RenderOptions())
    assert out.startswith("## ✅ trailscan: no blocking findings (at or above high)\n")
    assert "### Blocking findings" not in out


def test_counts_by_severity() -> None:
    out = md()
    assert "| 🟥 Critical | 1 | 1 |" in out
    assert "| 🟧 High | 5 | 5 |" in out
    assert "| 🟨 Medium | 1 | 0 |" in out
    assert "| 🟦 Low | 1 | 0 |" in out


def test_every_blocking_finding_has_a_relative_link() -> None:
    result = synthetic_result()
    out = md()
    table = out.split("### Blocking findings", 1)[1].split("<details>", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert len(rows) == len(result.blocking())
    assert f"[{TF}:23]({TF}#L23)" in table
    assert str(FIXTURES) not in out


def test_details_are_collapsed() -> None:
    out = md(show_suppressed=True)
    for summary in (
        "How to fix (6)",
        "Non-blocking findings (2)",
        "Suppressed findings (2)",
        "What was checked",
    ):
        assert f"<details>\n<summary>{summary}</summary>\n\n" in out
    assert out.count("<details>") == out.count("</details>") == 4
    assert "| unknown | 1 |" in out
    assert "- failed: `cloudformation/broken.yaml`" in out
    assert "1 not ours" in out


def test_suppressed_details_only_when_asked() -> None:
    assert "Suppressed findings" not in md()


def test_cell_text_cannot_break_the_table_or_inject_html() -> None:
    assert text("a | b <img src=x> *c*\nd") == "a \\| b \\<img src=x\\> \\*c\\* d"
    assert code("x|y") == "`x\\|y`"
    assert code("a`b") == "``a`b``"
    row = next(line for line in md().splitlines() if "CT007" in line and line.startswith("| "))
    assert row.count(" | ") + 2 == row.count("|") - row.count("\\|")
    assert "<weird>" not in md()


def test_deterministic() -> None:
    assert md() == md()


# ---------------------------------------------------------------------------
# Rendered by a real CommonMark parser (markdown-it-py, with GFM tables)
# ---------------------------------------------------------------------------

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "`` closes early `",
    "```` ``` `` `",
    "[click](https://evil.example)",
    "![pic](https://evil.example/x.png)",
    "<https://evil.example>",
    "a | b || c",
    "*bold* _it_ ~~strike~~ # head",
    "&lt;script&gt; &amp;",
    "line\nbreak\r\n---",
    "<details><summary>x</summary>",
]


def _html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


def _hostile_result() -> ScanResult:
    base = synthetic_result()
    findings = []
    for i, value in enumerate(HOSTILE):
        findings.append(
            Finding(
                id="CT008",
                name="log-file-validation",
                severity=Severity.CRITICAL,
                title="t",
                message=f"message {value}",
                resource=f"aws_cloudtrail.{value}",
                span=Span(path=f"dir {i}/a(b)<c>\"d'#?{value[:5]}.tf", line=i + 1),
                account=f"acct {value}",
            )
        )
    return replace(base, findings=findings)


def test_rendered_html_has_no_injected_tag_or_link() -> None:
    markdown = render("markdown", _hostile_result(), RenderOptions())
    html = _html(markdown)
    assert "<img" not in html and "<script" not in html and "<https" not in html
    # The only links are the location links, each to its own percent-encoded path.
    hrefs = re.findall(r'<a href="([^"]*)"', html)
    assert hrefs and all(not h.startswith(("http:", "https:", "javascript:")) for h in hrefs)
    assert all(re.fullmatch(r"[A-Za-z0-9/%._~-]+#L\d+", h) for h in hrefs), hrefs
    assert "evil.example" not in "".join(hrefs)
    # <details> only from the report's own structure (the hostile one is escaped).
    assert html.count("<details>") == markdown.count("\n<details>\n") + markdown.startswith("<details>")


@pytest.mark.parametrize("value", HOSTILE)
def test_code_span_shows_the_value_literally(value: str) -> None:
    flat = " ".join(value.split())
    html = _html(code(value))
    match = re.fullmatch(r"<p><code>(.*)</code></p>\n", html, re.DOTALL)
    assert match, html
    shown = match.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    assert shown == flat.replace("|", "\\|")


@pytest.mark.parametrize("value", HOSTILE)
def test_text_shows_the_value_literally(value: str) -> None:
    html = _html(text(value))
    inner = re.fullmatch(r"<p>(.*)</p>\n", html, re.DOTALL)
    assert inner, html
    shown = inner.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    assert shown == " ".join(value.split())


def test_link_targets_are_percent_encoded() -> None:
    assert link_target("a b/c(d).tf", 3) == "a%20b/c%28d%29.tf#L3"
    assert link_target('x<y>"z#q?.tf', 1) == "x%3Cy%3E%22z%23q%3F.tf#L1"
    html = _html(f"[x]({link_target('a b)/[c].tf', 7)})")
    assert 'href="a%20b%29/%5Bc%5D.tf#L7"' in html


def test_length_cap_with_thousands_of_findings() -> None:
    base = synthetic_result()
    many = [
        replace(f, resource=f"aws_cloudtrail.t{i}", message=f"{f.message} " + "x" * 200, span=replace(f.span, line=i + 1))
        for i in range(5000)
        for f in base.findings[:1]
    ]
    result = replace(base, findings=many)
    markdown = render("markdown", result, RenderOptions())
    assert len(markdown) < 65_536 and len(markdown.encode("utf-8")) <= MAX_BYTES
    assert re.search(r"…and \d+ more; see the SARIF report", markdown)
    html = _html(markdown)
    assert html.count("<tr>") > 10  # still a useful table
    # The most severe findings come first.
    first_rows = [line for line in markdown.splitlines() if line.startswith("| 🟥") or line.startswith("| 🟧")]
    assert first_rows
