"""Markdown summary: verdict, counts, every blocking finding linked, safe escaping."""

from __future__ import annotations

from dataclasses import replace

from report_data import FIXTURES, TF, synthetic_result

from scanner.model import Severity
from scanner.reporters import RenderOptions, render
from scanner.reporters.markdown_report import code, text


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
