"""The external corpus: other scanners' CloudTrail fixtures with their authors' verdicts.

Each case folder is scanned as one unit with every policy and built-in defaults; each
label is one test: ``expected: fail`` needs a finding of the mapped policy on the labelled
resource, ``pass`` needs none. ``disputed: true`` labels expect the opposite verdict (the
source is wrong for a scanner that follows the AWS specification; see the label's note).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from scanner.config import Config
from scanner.options import ScanOptions
from scanner.results import ScanResult, Status
from scanner.scan import run_scan

CORPUS = Path(__file__).resolve().parent / "corpus"
MANIFEST: list[dict[str, Any]] = json.loads((CORPUS / "MANIFEST.json").read_text(encoding="utf-8"))

# Label check -> policy (SOURCE_README.md, "Label checks and the policies they correspond to").
CHECK_POLICY: dict[str, str] = {
    "multi_region": "CT001",
    "kms": "CT009",
    "log_validation": "CT008",
    "logging_enabled": "CT007",
    "cloudwatch": "CT010",
    "sns": "CT012",
    "bucket_public": "CT103",
    "bucket_access_logging": "CT104",
    "global_events": "CT004",
    "event_data_store_kms": "CT009",
}
# Policies that answer for the account, not for one resource: compared at account level.
ACCOUNT_WIDE = frozenset({"CT004", "CT013"})
# Label checks no policy answers (none at present), with the reason they are skipped.
NOT_IN_CATALOGUE: dict[str, str] = {}


def policy_for(check: str) -> str | None:
    if check.startswith("s3_data_events"):
        return "CT013"
    return CHECK_POLICY.get(check)


def case_dir(case: dict[str, Any]) -> Path:
    return CORPUS / case["id"]


@cache
def scan_case(case_id: str) -> ScanResult:
    """One scan per case folder, shared by its labels (built-in defaults, no config file)."""
    folder = CORPUS / case_id
    return run_scan(ScanOptions(paths=(folder,), root=folder, config=Config()))


def _label_params() -> list[Any]:
    params = []
    for case in MANIFEST:
        for label in case["labels"]:
            check = label["check"]
            marks = []
            if check in NOT_IN_CATALOGUE:
                marks.append(pytest.mark.skip(reason=NOT_IN_CATALOGUE[check]))
            elif policy_for(check) is None:
                raise AssertionError(f"{case['id']}: label check {check!r} maps to no policy")
            verdict = label["expected"] + ("-disputed" if label.get("disputed") else "")
            test_id = f"{case['id']}::{label['resource']}::{check}::{verdict}"
            params.append(pytest.param(case["id"], label, id=test_id, marks=marks))
    return params


def _describe(result: ScanResult) -> str:
    found = [f"  {f.span.path}:{f.span.line} {f.id} [{f.resource}] {f.message}" for f in result.findings]
    evaluations = [
        f"  {e.policy} {e.subject}: {e.status.value} {e.reason}".rstrip()
        for e in result.evaluations
        if e.status is not Status.PASS
    ]
    return "findings:\n" + "\n".join(found) + "\nevaluations (not pass):\n" + "\n".join(evaluations)


@pytest.mark.parametrize(("case_id", "label"), _label_params())
def test_label(case_id: str, label: dict[str, Any]) -> None:
    policy_id = policy_for(label["check"])
    assert policy_id is not None
    expected = label["expected"]
    assert expected in ("pass", "fail")
    if label.get("disputed"):
        expected = "pass" if expected == "fail" else "fail"
    result = scan_case(case_id)
    findings = [f for f in result.active() if f.id == policy_id]
    if policy_id not in ACCOUNT_WIDE:
        findings = [f for f in findings if f.resource == label["resource"]]
    note = f"\nnote: {label['note']}" if label.get("note") else ""
    if expected == "fail":
        assert findings, f"expected {policy_id} on {label['resource']}, got none{note}\n{_describe(result)}"
    else:
        assert not findings, f"expected no {policy_id} on {label['resource']}{note}\n{_describe(result)}"
        if policy_id not in ACCOUNT_WIDE:
            # Silence is not a pass: the policy must have looked at the labelled resource
            # (UNKNOWN is acceptable: the sources count an unresolvable value as set).
            seen = {e.status.value for e in result.evaluations if e.policy == policy_id and e.subject == label["resource"]}
            assert seen and seen <= {"pass", "unknown"}, (
                f"{policy_id} never evaluated {label['resource']} (statuses {sorted(seen)})\n{_describe(result)}"
            )


# Fixtures that other tools cut down to the property they test: CloudFormation rejects
# them for a missing required property, which trailscan reports as a CT901 at the resource
# (the file is read and checked; the CT901 says the template would not deploy).
UNDEPLOYABLE: dict[str, int] = {
    "checkov/cfn_graph_encryption_attribute": 2,  # two trails without IsLogging
    "trivy-checks/cfn__ensure_cloudwatch_integration__good0": 1,
    "trivy-checks/cfn__ensure_cloudwatch_integration__bad0": 1,
}


@pytest.mark.parametrize("case_id", [c["id"] for c in MANIFEST])
def test_case_parses(case_id: str) -> None:
    """A fixture we cannot read is a fixture we did not check."""
    result = scan_case(case_id)
    assert result.units, f"{case_id}: nothing was recognised as Terraform or CloudFormation"
    problems = [f for f in result.findings if f.id in ("CT900", "CT901")]
    missing = [f for f in problems if "has no IsLogging, a required property" in f.message]
    assert len(missing) == UNDEPLOYABLE.get(case_id, 0), [f.message for f in missing]
    broken = [(f.span.path, f.span.line, f.id, f.message) for f in problems if f not in missing]
    assert not broken, broken


def test_copy_matches_manifest() -> None:
    """Every manifest file is present unchanged-in-name, and nothing unlisted was added."""
    listed = {Path(f).relative_to("cases").as_posix() for c in MANIFEST for f in c["files"]}
    present = {
        p.relative_to(CORPUS).as_posix()
        for p in CORPUS.rglob("*")
        if p.is_file() and p.parent != CORPUS and p.parent.name != "licenses"
    }
    assert present == listed
    for case in MANIFEST:
        assert case_dir(case).is_dir(), case["id"]
        licence = CORPUS / "licenses" / f"{case['source_repo'].replace('/', '+')}.LICENSE"
        assert licence.is_file(), f"license of {case['source_repo']} missing"
