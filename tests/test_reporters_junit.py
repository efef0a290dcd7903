"""JUnit XML: one testcase per evaluation, correct counts, well-formed whatever the text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

from report_data import BROKEN, TF, synthetic_result

from scanner.reporters import RenderOptions, render
from scanner.results import ScanResult, Status


def parse(result: ScanResult | None = None, **options: object) -> ET.Element:
    text = render(
        "junit", synthetic_result() if result is None else result, RenderOptions(**options)
    )
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


def outcome(case: ET.Element) -> str:
    children = [c.tag for c in case]
    assert len(children) <= 1
    return children[0] if children else "passed"


def test_counts_match_the_testcases() -> None:
    root = parse()
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        kinds = [outcome(c) for c in cases]
        assert int(suite.get("tests", "-1")) == len(cases)
        assert int(suite.get("failures", "-1")) == kinds.count("failure")
        assert int(suite.get("errors", "-1")) == kinds.count("error")
        assert int(suite.get("skipped", "-1")) == kinds.count("skipped")
        totals["tests"] += len(cases)
        totals["failures"] += kinds.count("failure")
        totals["errors"] += kinds.count("error")
        totals["skipped"] += kinds.count("skipped")
    for key, value in totals.items():
        assert int(root.get(key, "-1")) == value


def test_one_testcase_per_evaluation_grouped_by_policy() -> None:
    result = synthetic_result()
    root = parse(result)
    policy_suites = [s for s in root.findall("testsuite") if s.get("name") != "trailscan"]
    names = [s.get("name") for s in policy_suites]
    assert names == [
        "CT001 multi-region-trail",
        "CT007 trail-logging-enabled",
        "CT008 log-file-validation",
        "CT013 s3-data-events",
        "CT202 kms-key-rotation",
    ]
    assert sum(len(s.findall("testcase")) for s in policy_suites) == len(result.evaluations)


def case(root: ET.Element, name: str) -> ET.Element:
    found = [c for c in root.iter("testcase") if c.get("name") == name]
    assert len(found) == 1, name
    return found[0]


def test_statuses_map_to_junit_outcomes() -> None:
    root = parse()
    assert outcome(case(root, "CT001 aws_cloudtrail.main")) == "passed"
    failure = case(root, "CT008 aws_cloudtrail.main").find("failure")
    assert failure is not None
    assert failure.get("type") == "HIGH"
    assert failure.get("message", "").startswith("Log file validation is set to false")
    assert failure.text is not None
    assert f"{TF}:16:3: CT008 [HIGH]" in failure.text
    assert "fix: Terraform: `enable_log_file_validation = true`." in failure.text
    assert "related: bucket aws_s3_bucket.logs at terraform/audit/main.tf:3" in failure.text
    unknown = case(root, "CT008 aws_cloudtrail.regional").find("skipped")
    assert unknown is not None and unknown.get("message", "").startswith("unknown: ")
    na = case(root, "CT013 [prod] account:prod").find("skipped")
    assert na is not None and na.get("message", "").startswith("not applicable")
    suppressed = case(root, "CT008 [prod] QuietTrail").find("skipped")
    assert suppressed is not None and "digest files" in suppressed.get("message", "")
    baseline = case(root, "CT202 aws_kms_key.trail").find("skipped")
    assert baseline is not None and "baseline" in baseline.get("message", "")


def test_parse_errors_and_foreign_ids_get_their_own_suite() -> None:
    root = parse()
    suite = [s for s in root.findall("testsuite") if s.get("name") == "trailscan"]
    assert len(suite) == 1
    parse_error = case(root, f"CT901 {BROKEN}")
    assert outcome(parse_error) == "error"
    assert parse_error.get("file") == BROKEN and parse_error.get("line") == "6"
    assert outcome(case(root, "E3002 [prod] cloudformation/trail.yaml")) == "failure"


def test_testcases_carry_file_and_line() -> None:
    c = case(parse(), "CT007 aws_cloudtrail.regional")
    assert (c.get("file"), c.get("line"), c.get("classname")) == (TF, "23", "trailscan.CT007")


def test_strict_unknown_finding_is_a_failure() -> None:
    result = synthetic_result()
    unknown = next(e for e in result.evaluations if e.status is Status.UNKNOWN)
    strict = replace(
        result.findings[0],
        id="CT008",
        resource=unknown.subject,
        span=unknown.span,
        related=(),
        message=f"cannot be verified statically: {unknown.reason} (--strict)",
    )
    result.findings.append(strict)
    failure = case(parse(result), "CT008 aws_cloudtrail.regional").find("failure")
    assert failure is not None and "--strict" in failure.get("message", "")


def test_awkward_text_stays_well_formed() -> None:
    result = synthetic_result()
    nasty = replace(result.findings[-1], message='a < b & "c" ]]> \x00\x07 é \U0001f600')
    result = replace(result, findings=[*result.findings[:-1], nasty])
    text = render("junit", result, RenderOptions())
    root = ET.fromstring(text.encode("utf-8"))  # must not raise
    messages = [f.get("message") for f in root.iter("failure")]
    assert 'a < b & "c" ]]> \ufffd\ufffd é \U0001f600' in messages


def test_no_timestamps_or_hostnames() -> None:
    text = render("junit", synthetic_result(), RenderOptions())
    for attr in ("timestamp=", "hostname=", "time="):
        assert attr not in text
    assert text == render("junit", synthetic_result(), RenderOptions())


def test_empty_result_is_a_valid_empty_report() -> None:
    result = replace(synthetic_result(), findings=[], evaluations=[])
    root = parse(result)
    assert root.get("tests") == "0" and root.findall("testsuite") == []
