"""Text: an editor-parsable first line, source snippet with underline, colour only on request."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from report_data import CFN, TF, synthetic_result

from scanner.reporters import RenderOptions, render

HEADER_RE = re.compile(
    r"^(?P<path>[^:\s]+):(?P<line>\d+):(?P<col>\d+): (?P<id>[A-Z]+\d+) "
    r"\[(?P<sev>CRITICAL|HIGH|MEDIUM|LOW)\] (?P<msg>.+) \((?P<res>[^()]+)\)$"
)


def out(**options: object) -> str:
    return render("text", synthetic_result(), RenderOptions(**options))


def test_every_finding_starts_with_a_parsable_header() -> None:
    result = synthetic_result()
    headers = [m for m in map(HEADER_RE.match, out().splitlines()) if m]
    assert len(headers) == len(result.active())
    for m, f in zip(headers, result.active(), strict=True):
        assert (m["path"], int(m["line"]), int(m["col"]), m["id"], m["sev"], m["res"]) == (
            f.span.path,
            f.span.line,
            f.span.column,
            f.id,
            f.severity.name,
            f.resource,
        )


def test_snippet_and_underline() -> None:
    lines = out().splitlines()
    i = lines.index(next(x for x in lines if x.startswith(f"{TF}:16:3: CT008")))
    assert lines[i + 1] == "  16 |   enable_log_file_validation = false"
    assert lines[i + 2] == "     |   " + "^" * len("enable_log_file_validation = false")
    assert lines[i + 3] == "  related: bucket aws_s3_bucket.logs (terraform/audit/main.tf:3)"
    # Two accounts in this result, so each finding names its own.
    assert lines[i + 4] == "  account: default"
    # A Terraform finding shows the Terraform fix only.
    assert lines[i + 5] == "  fix: `enable_log_file_validation = true`."
    assert not lines[i + 6].strip()


def test_fix_line_follows_the_format_of_the_finding() -> None:
    text = out()
    blocks = text.split("\n\n")
    cfn = [b for b in blocks if b.startswith(f"{CFN}:")]
    tf = [b for b in blocks if b.startswith(f"{TF}:")]
    assert cfn and tf
    for block in cfn:
        assert "Terraform" not in block.split("fix:", 1)[-1], block
    for block in tf:
        assert "CloudFormation" not in block.split("fix:", 1)[-1], block
    assert "fix: `EnableLogFileValidation: true`." in text


def test_account_line_only_with_several_accounts() -> None:
    one = replace(synthetic_result(), accounts=["default"])
    text = render("text", one, RenderOptions())
    assert "\n  account:" not in text
    assert "account: prod" in out()


def test_multi_line_span_shows_first_lines_without_underline() -> None:
    lines = out().splitlines()
    i = lines.index(next(x for x in lines if x.startswith(f"{TF}:20:1: CT001")))
    assert lines[i + 1] == '  20 | resource "aws_cloudtrail" "regional" {'
    assert lines[i + 4] == "  23 |   enable_logging = false"
    assert lines[i + 5] == "     | ... (1 more line)"
    assert "^" not in lines[i + 5]


def test_unreadable_source_means_no_snippet_not_a_crash(tmp_path: Path) -> None:
    result = synthetic_result(root=tmp_path)
    text = render("text", result, RenderOptions())
    assert not re.search(r"^\s+\d+ \|", text, re.MULTILINE)
    assert f"{CFN}:12:7: CT008 [HIGH]" in text


def test_suppressed_only_when_asked() -> None:
    assert "QuietTrail" not in out()
    shown = out(show_suppressed=True)
    assert "  suppressed: inline: digest files are validated by the archive account" in shown


def test_colour_only_when_enabled() -> None:
    assert "\x1b[" not in out()
    coloured = out(color=True)
    assert "\x1b[1;35mCT007 [CRITICAL]\x1b[0m" in coloured
    plain = re.sub(r"\x1b\[[0-9;]*m", "", coloured)
    assert plain == out()


def test_quiet_prints_only_the_summary() -> None:
    assert out(quiet=True) == (
        "FAIL: 8 findings (1 critical, 5 high, 1 medium, 1 low) in 3 files; 6 blocking at or "
        "above high; 2 suppressed; 1 undecidable statically (unknown); scanned 2 files, "
        "1 not ours, 1 failed\n"
    )


def test_clean_summary() -> None:
    result = replace(synthetic_result(), findings=[], evaluations=[])
    assert render("text", result, RenderOptions()) == (
        "ok: 0 findings in 0 files; 0 blocking at or above high; 0 suppressed; "
        "scanned 2 files, 1 not ours, 1 failed\n"
    )


def test_multi_line_message_keeps_the_header_on_one_line() -> None:
    result = synthetic_result()
    f = replace(result.findings[0], message="first line\nTraceback ...\n  File x")
    result = replace(result, findings=[f, *result.findings[1:]])
    lines = render("text", result, RenderOptions()).splitlines()
    assert lines[0].endswith("first line (account:default)")
    assert lines[1:3] == ["    Traceback ...", "      File x"]
