"""GitHub workflow commands: escaping, the per-type cap, order and the closing lines."""

from __future__ import annotations

import re
from dataclasses import replace

from report_data import TF, synthetic_result

from scanner.reporters import RenderOptions, render
from scanner.reporters.github_report import annotation, escape_data, escape_property

COMMAND_RE = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<msg>.*)$")


def parse_props(text: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in text.split(","))


def unescape(text: str) -> str:
    return (
        text.replace("%2C", ",")
        .replace("%3A", ":")
        .replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%25", "%")
    )


def test_escaping_follows_actions_core() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    # Message text keeps ':' and ',' (only properties escape them).
    assert escape_data("a:b,c") == "a:b,c"


def test_annotation_properties_and_message_round_trip() -> None:
    result = synthetic_result()
    finding = next(f for f in result.findings if f.id == "CT007")
    line = annotation(finding)
    m = COMMAND_RE.match(line)
    assert m and m.group(1) == "error"
    props = {k: unescape(v) for k, v in parse_props(m.group("props")).items()}
    assert props == {
        "file": TF,
        "line": "23",
        "col": "3",
        "endColumn": "25",
        "title": "trailscan CT007 [CRITICAL] Trails must be logging",
    }
    message = unescape(m.group("msg"))
    assert message.startswith(finding.message)
    assert "\nHow to fix: Terraform: remove `enable_logging = false`." in message
    assert "100%25" in line and "\n" not in line


def test_multi_line_span_uses_end_line_not_columns() -> None:
    finding = next(
        f
        for f in synthetic_result().findings
        if f.id == "CT001" and f.resource == "aws_cloudtrail.regional"
    )
    m = COMMAND_RE.match(annotation(finding))
    assert m is not None
    props = parse_props(m.group("props"))
    assert props["line"] == "20" and props["endLine"] == "24"
    assert "col" not in props and "endColumn" not in props


def test_levels_by_severity_and_no_file_for_account_findings() -> None:
    lines = render("github", synthetic_result(), RenderOptions()).splitlines()
    kinds = {}
    for line in lines:
        m = COMMAND_RE.match(line)
        if m:
            kinds[m.group("msg").split(" ")[0]] = (m.group(1), parse_props(m.group("props")))
    assert kinds["No"][0] == "notice" and "file" not in kinds["No"][1]  # CT013 LOW, account level
    assert kinds["Additional"][0] == "warning"  # E3002 MEDIUM


def test_suppressed_findings_are_never_annotated() -> None:
    text = render("github", synthetic_result(), RenderOptions(show_suppressed=True))
    assert "QuietTrail" not in text and "aws_kms_key.trail" not in text


def test_cap_per_type_most_severe_first_and_left_out_line() -> None:
    result = synthetic_result()
    lines = render("github", result, RenderOptions(max_annotations=2)).splitlines()
    commands = [line for line in lines if line.startswith("::")]
    errors = [line for line in commands if line.startswith("::error")]
    assert len(errors) == 2
    assert "CT007 [CRITICAL]" in errors[0]  # the critical one is never the one left out
    plain = [line for line in lines if not line.startswith("::")]
    assert len(plain) == 2
    active_errors = sum(1 for f in result.active() if f.severity.name in ("CRITICAL", "HIGH"))
    assert plain[0].startswith(f"trailscan: {active_errors - 2} more findings not annotated")
    assert "SARIF" in plain[0]
    assert plain[1].startswith("trailscan: 8 findings (1 critical, 5 high, 1 medium, 1 low)")


def test_no_left_out_line_when_everything_fits() -> None:
    lines = render("github", synthetic_result(), RenderOptions(max_annotations=10)).splitlines()
    assert sum(1 for line in lines if line.startswith("::")) == len(synthetic_result().active())
    assert not any("not annotated" in line for line in lines)


def test_clean_result_prints_only_the_summary() -> None:
    result = replace(synthetic_result(), findings=[])
    assert render("github", result, RenderOptions()).splitlines() == [
        "trailscan: 0 findings in 0 files; 0 blocking at or above high; 0 suppressed; "
        "1 undecidable statically (unknown); scanned 2 files, 1 not ours, 1 failed"
    ]
