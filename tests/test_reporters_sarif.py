"""SARIF: valid against the official 2.1.0 schema and built to GitHub's ingestion rules.

Each GitHub requirement from the ecosystem notes (§2) is checked on its own, so that a
regression names the field that would make an upload fail or mis-file alerts.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest
from report_data import FIXTURES, TF, synthetic_result

from scanner.model import Severity, Span
from scanner.options import ScanOptions
from scanner.reporters import RenderOptions, render
from scanner.reporters.common import SourceFiles
from scanner.reporters.sarif_report import artifact_uri, line_hash
from scanner.results import BUILTIN_SPECS, Finding
from scanner.scan import run_scan

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "sarif-schema-2.1.0.json"
SOURCE_PATH = SCHEMA_PATH.with_name("sarif-schema-2.1.0.SOURCE.json")


def sarif(result: Any = None, **options: Any) -> dict[str, Any]:
    result = synthetic_result() if result is None else result
    return json.loads(render("sarif", result, RenderOptions(**options)))


def run_of(doc: dict[str, Any]) -> dict[str, Any]:
    assert len(doc["runs"]) == 1
    return doc["runs"][0]


def schema_errors(doc: dict[str, Any]) -> list[str]:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    validator = validator_cls(schema, format_checker=validator_cls.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


def test_schema_copy_is_the_recorded_one() -> None:
    source = json.loads(SOURCE_PATH.read_text(encoding="utf-8"))
    assert hashlib.sha256(SCHEMA_PATH.read_bytes()).hexdigest() == source["sha256"]


@pytest.mark.parametrize("show_suppressed", [False, True])
def test_synthetic_report_is_schema_valid(show_suppressed: bool) -> None:
    assert schema_errors(sarif(show_suppressed=show_suppressed)) == []


def test_real_scan_of_fixtures_is_schema_valid() -> None:
    result = run_scan(ScanOptions(paths=(FIXTURES,), root=FIXTURES))
    assert result.findings
    assert schema_errors(sarif(result)) == []
    assert schema_errors(sarif(result, show_suppressed=True)) == []


def test_schema_validation_can_fail() -> None:
    """Guard against a validator that accepts anything."""
    doc = sarif()
    run_of(doc)["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    doc["version"] = "2.0.0"
    assert len(schema_errors(doc)) >= 2


def test_top_level_and_driver() -> None:
    doc = sarif()
    assert doc["version"] == "2.1.0"
    assert doc["$schema"].startswith("https://")
    driver = run_of(doc)["tool"]["driver"]
    assert driver["name"] == "trailscan"
    assert driver["semanticVersion"] == "0.1.0"
    uri = urlsplit(driver["informationUri"])
    assert uri.scheme == "https" and uri.netloc
    assert run_of(doc)["automationDetails"]["id"] == "trailscan/"


def test_category_is_configurable_and_can_be_left_to_upload_sarif() -> None:
    assert run_of(sarif(sarif_category="trailscan-prod"))["automationDetails"] == {
        "id": "trailscan-prod/"
    }
    doc = sarif(sarif_category="")
    assert "automationDetails" not in run_of(doc)
    assert schema_errors(doc) == []


def test_rules_list_enabled_policies_engine_ids_and_foreign_ids() -> None:
    result = synthetic_result()
    rules = run_of(sarif(result))["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted(ids)
    assert set(ids) == {s.id for s in result.policies} | {b.id for b in BUILTIN_SPECS} | {"E3002"}


def test_every_rule_meets_github_requirements() -> None:
    expected = {"CRITICAL": "9.5", "HIGH": "8.0", "MEDIUM": "5.5", "LOW": "3.0"}
    level = {"CRITICAL": "error", "HIGH": "error", "MEDIUM": "warning", "LOW": "note"}
    result = synthetic_result()
    severity_of = {s.id: s.severity.name for s in (*result.policies, *BUILTIN_SPECS)}
    severity_of["E3002"] = "MEDIUM"
    for rule in run_of(sarif(result))["tool"]["driver"]["rules"]:
        sev = severity_of[rule["id"]]
        assert 0 < len(rule["name"]) <= 255
        assert 0 < len(rule["shortDescription"]["text"]) <= 1024
        assert 0 < len(rule["fullDescription"]["text"]) <= 1024
        assert rule["help"]["text"].strip()
        assert rule["help"]["markdown"].strip()
        assert "helpUri" not in rule
        assert rule["defaultConfiguration"]["level"] == level[sev]
        props = rule["properties"]
        assert "security" in props["tags"] and len(props["tags"]) <= 20
        assert props["precision"] in ("high", "very-high")
        assert isinstance(props["security-severity"], str)
        assert props["security-severity"] == expected[sev]
        assert 0.1 <= float(props["security-severity"]) <= 10.0


def test_rule_text_comes_from_the_docstring() -> None:
    result = synthetic_result()
    spec = next(s for s in result.policies if s.id == "CT008")
    rule = next(r for r in run_of(sarif(result))["tool"]["driver"]["rules"] if r["id"] == "CT008")
    assert rule["shortDescription"]["text"] == spec.title
    assert rule["fullDescription"]["text"] == " ".join(spec.why.split())
    assert rule["help"]["markdown"] == spec.help_markdown
    assert "cis-aws-foundations-v3.0/3.2" in rule["properties"]["tags"]


def test_long_why_is_clipped_to_1024() -> None:
    result = synthetic_result()
    long_spec = replace(result.policies[0], why="word " * 400)
    result = replace(result, policies=(long_spec, *result.policies[1:]))
    rule = run_of(sarif(result))["tool"]["driver"]["rules"][0]
    assert len(rule["fullDescription"]["text"]) == 1024
    assert rule["fullDescription"]["text"].endswith("…")


def test_results_reference_rules_and_carry_levels() -> None:
    run = run_of(sarif())
    rules = run["tool"]["driver"]["rules"]
    assert run["results"]
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] == rules[res["ruleIndex"]]["defaultConfiguration"]["level"]
        assert res["message"]["text"].strip()


def test_locations_are_repository_relative_with_lines_from_one() -> None:
    run = run_of(sarif())
    base_ids = run["originalUriBaseIds"]
    for res in run["results"]:
        assert 1 <= len(res["locations"]) <= 10
        phys = res["locations"][0]["physicalLocation"]
        art = phys["artifactLocation"]
        assert art["uriBaseId"] in base_ids
        uri = urlsplit(art["uri"])
        assert not uri.scheme and not uri.netloc
        assert not art["uri"].startswith(("/", "../"))
        assert "\\" not in art["uri"]
        assert (FIXTURES / unquote(art["uri"])).is_file()
        region = phys["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert region["endLine"] >= region["startLine"]
        if region["endLine"] == region["startLine"]:
            assert region["endColumn"] > region["startColumn"]


def test_srcroot_is_declared_without_a_machine_dependent_uri() -> None:
    declared = run_of(sarif())["originalUriBaseIds"]["%SRCROOT%"]
    assert "uri" not in declared
    assert declared["description"]["text"]
    assert str(FIXTURES) not in render("sarif", synthetic_result(), RenderOptions())


def test_artifact_uri_percent_encodes() -> None:
    assert artifact_uri("modules/trail/main.tf") == "modules/trail/main.tf"
    assert artifact_uri("my dir/ü#1.tf") == "my%20dir/%C3%BC%231.tf"
    assert unquote(artifact_uri("a b/c%d.tf")) == "a b/c%d.tf"


def test_account_level_finding_is_anchored_on_a_scanned_file() -> None:
    result = synthetic_result()
    res = next(r for r in run_of(sarif(result))["results"] if r["ruleId"] == "CT013")
    art = res["locations"][0]["physicalLocation"]["artifactLocation"]
    assert art["uri"] in result.files.scanned
    assert res["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "account:default"


def test_related_locations_are_linked_from_the_message() -> None:
    res = next(
        r
        for r in run_of(sarif())["results"]
        if r["ruleId"] == "CT001" and r["properties"]["resource"] == "aws_cloudtrail.regional"
    )
    related = res["relatedLocations"]
    assert [r["id"] for r in related] == [1]
    assert related[0]["message"]["text"] == "bucket aws_s3_bucket.logs[0]"
    assert related[0]["physicalLocation"]["artifactLocation"]["uri"] == TF
    # Brackets in the ref are escaped so the embedded link stays a link.
    assert "[bucket aws_s3_bucket.logs\\[0\\]](1)" in res["message"]["text"]
    assert res["message"]["text"].startswith("Trail aws_cloudtrail.regional records only its home")


def test_fingerprints() -> None:
    result = synthetic_result()
    by_id = {(f.id, f.resource): f for f in result.findings}
    for res in run_of(sarif(result))["results"]:
        finding = by_id[(res["ruleId"], res["properties"]["resource"])]
        fp = res["partialFingerprints"]
        assert fp["trailscan/v1"] == finding.fingerprint
        digest, _, count = fp["primaryLocationLineHash"].partition(":")
        assert len(digest) == 16 and int(count) >= 1


def test_line_hash_follows_line_content_not_line_number(tmp_path: Path) -> None:
    (tmp_path / "a.tf").write_text("x = 1\n  enable = false\n", encoding="utf-8")
    (tmp_path / "b.tf").write_text("\n\n\nenable   =   false\n", encoding="utf-8")
    sources = SourceFiles(tmp_path)
    assert line_hash(sources, "a.tf", 2) == line_hash(sources, "b.tf", 4)
    assert line_hash(sources, "a.tf", 1) != line_hash(sources, "a.tf", 2)
    assert line_hash(sources, "a.tf", 99) is None
    assert line_hash(sources, "missing.tf", 1) is None


def test_identical_lines_get_increasing_occurrence_counters(tmp_path: Path) -> None:
    (tmp_path / "m.tf").write_text("a = false\nb = 1\na   = false\n", encoding="utf-8")
    sources = SourceFiles(tmp_path)
    first, second = line_hash(sources, "m.tf", 1), line_hash(sources, "m.tf", 3)
    assert first is not None and second is not None
    assert first.split(":")[0] == second.split(":")[0]
    assert (first.split(":")[1], second.split(":")[1]) == ("1", "2")


def test_line_hash_is_omitted_when_the_file_is_gone(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES, tmp_path / "tree")
    (tmp_path / "tree" / TF).unlink()
    run = run_of(sarif(synthetic_result(root=tmp_path / "tree")))
    tf = [
        r
        for r in run["results"]
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == TF
    ]
    assert tf and all("primaryLocationLineHash" not in r["partialFingerprints"] for r in tf)
    assert all("trailscan/v1" in r["partialFingerprints"] for r in tf)
    assert schema_errors({"$schema": "x", "version": "2.1.0", "runs": [run]}) == []


def test_suppressed_results_are_left_out_by_default() -> None:
    result = synthetic_result()
    results = run_of(sarif(result))["results"]
    assert len(results) == len(result.active())
    assert all("suppressions" not in r for r in results)


def test_suppressed_results_carry_suppressions_when_shown() -> None:
    results = run_of(sarif(show_suppressed=True))["results"]
    suppressed = {
        r["properties"]["resource"]: r["suppressions"] for r in results if "suppressions" in r
    }
    assert suppressed["QuietTrail"] == [
        {
            "kind": "inSource",
            "status": "accepted",
            "justification": "digest files are validated by the archive account",
        }
    ]
    assert suppressed["aws_kms_key.trail"][0]["kind"] == "external"


def test_parse_errors_are_results_and_tool_notifications() -> None:
    run = run_of(sarif())
    assert any(r["ruleId"] == "CT901" for r in run["results"])
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert [n["descriptor"]["id"] for n in notes] == ["CT901"]
    assert notes[0]["level"] == "error"


def test_internal_error_marks_execution_unsuccessful() -> None:
    result = synthetic_result()
    crash = Finding(
        id="CT900",
        name="internal-error",
        severity=Severity.HIGH,
        title="A policy failed with an internal error",
        message="policy CT008 failed on account 'default': KeyError: 'x'",
        resource="account:default",
        span=Span(path=TF),
    )
    result.findings.append(crash)
    doc = sarif(result)
    assert run_of(doc)["invocations"][0]["executionSuccessful"] is False
    assert schema_errors(doc) == []


def test_point_span_is_widened_to_the_line_text() -> None:
    result = synthetic_result()
    res = next(r for r in run_of(sarif(result))["results"] if r["ruleId"] == "CT901")
    region = res["locations"][0]["physicalLocation"]["region"]
    line = (FIXTURES / "cloudformation/broken.yaml").read_text().splitlines()[5]
    assert region == {"startLine": 6, "startColumn": 21, "endLine": 6, "endColumn": len(line) + 1}


def test_no_results_is_still_valid() -> None:
    result = replace(synthetic_result(), findings=[], evaluations=[])
    doc = sarif(result)
    assert run_of(doc)["results"] == []
    assert schema_errors(doc) == []
