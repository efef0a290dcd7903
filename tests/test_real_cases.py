"""Issue 11, parts 6-8 and the defects seen on real code: small realistic modules and
templates (tests/cases/real/) with the verdict each policy must give.

A case folder may hold its own ``.trailscan.toml`` (per-root inputs, declared external
trails, ``accounts``); it is scanned with it. Table keys are ``(policy, subject)`` or
``(policy, subject, account)``. A missing evaluation or another status fails the test with
the evaluation's reason. Further tests below check the reasons, messages, summaries and
CT901s the cases are about.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from scanner.config import Config, load_config
from scanner.options import ScanOptions
from scanner.reporters import RenderOptions
from scanner.reporters.common import summary, summary_line
from scanner.reporters.json_report import report_dict
from scanner.results import ScanResult
from scanner.scan import run_scan

CASES = Path(__file__).resolve().parent / "cases" / "real"

Key = tuple[str, str] | tuple[str, str, str]

EXPECTED: dict[str, dict[Key, str]] = {
    # -- Part 6 leftovers ----------------------------------------------------------------
    "cfn-trail-without-is-logging": {
        ("CT007", "AuditTrail"): "unknown",
        ("CT001", "AuditTrail"): "pass",
    },
    "tf-log-group-without-role": {
        ("CT006", "aws_cloudtrail.audit"): "fail",
        ("CT010", "aws_cloudtrail.audit"): "fail",
    },
    "cfn-log-group-without-role": {
        ("CT006", "AuditTrail"): "fail",
        ("CT010", "AuditTrail"): "fail",
    },
    # -- Part 7: inputs per root, terragrunt, external trails, event data stores ----------
    "tf-inputs-per-root": {
        ("CT001", "module.trail.aws_cloudtrail.this (live/prod)"): "pass",
        ("CT001", "module.trail.aws_cloudtrail.this (live/staging)"): "fail",
        ("CT008", "module.trail.aws_cloudtrail.this (live/prod)"): "pass",
        ("CT008", "module.trail.aws_cloudtrail.this (live/staging)"): "fail",
        ("CT009", "module.trail.aws_cloudtrail.this (live/prod)"): "pass",
        ("CT009", "module.trail.aws_cloudtrail.this (live/staging)"): "fail",
    },
    "cfn-inputs-per-template": {
        ("CT001", "Trail (prod/trail.yaml)"): "pass",
        ("CT001", "Trail (staging/trail.yaml)"): "fail",
        ("CT008", "Trail (prod/trail.yaml)"): "pass",
        ("CT008", "Trail (staging/trail.yaml)"): "fail",
        ("CT009", "Trail (prod/trail.yaml)"): "pass",
        ("CT009", "Trail (staging/trail.yaml)"): "fail",
    },
    "tg-live": {
        # inputs from the included parent (enable_logging) and the child (multi_region,
        # validate), the source through get_parent_terragrunt_dir() and //
        ("CT001", "aws_cloudtrail.this", "live/prod/trail"): "pass",
        ("CT007", "aws_cloudtrail.this", "live/prod/trail"): "pass",
        ("CT008", "aws_cloudtrail.this", "live/prod/trail"): "pass",
        ("CT009", "aws_cloudtrail.this", "live/prod/trail"): "unknown",  # dependency output
        # terraform.tfvars beats inputs (TF_VAR_*); get_env falls back to its default
        ("CT008", "aws_cloudtrail.this", "live/staging/trail"): "fail",
        ("CT001", "aws_cloudtrail.this", "live/staging/trail"): "fail",
        # a remote source read from its one copy in .terragrunt-cache
        ("CT001", "aws_cloudtrail.this", "live/prod/cached"): "fail",
        ("CT007", "aws_cloudtrail.this", "live/prod/cached"): "pass",
        # a remote source terragrunt has not cached: unread, so no "no trail"
        ("CT003", "account:live/prod/remote", "live/prod/remote"): "unknown",
        ("CT003", "account:live/prod/trail", "live/prod/trail"): "pass",
    },
    "tf-external-org-trail": {
        ("CT002", "account:default"): "pass",
        ("CT003", "account:default"): "pass",
        ("CT004", "account:default"): "pass",
        ("CT005", "aws_cloudtrail.data_events"): "pass",
        ("CT013", "account:default"): "pass",
        ("CT001", "aws_cloudtrail.data_events"): "pass",
    },
    "cfn-external-org-trail": {
        ("CT002", "account:default"): "pass",
        ("CT003", "account:default"): "pass",
        ("CT004", "account:default"): "pass",  # implied by multi_region = true
        ("CT013", "account:default"): "unknown",  # s3_data_events not declared
    },
    "tf-event-data-store": {
        ("CT002", "account:default"): "pass",
        ("CT004", "account:default"): "pass",
        ("CT013", "account:default"): "pass",
        ("CT009", "aws_cloudtrail_event_data_store.management"): "pass",
        ("CT009", "aws_cloudtrail_event_data_store.s3_objects"): "fail",
    },
    "cfn-event-data-store": {
        ("CT002", "account:default"): "pass",
        ("CT004", "account:default"): "pass",
        ("CT013", "account:default"): "pass",
        ("CT009", "Management"): "pass",
        ("CT009", "S3Objects"): "fail",
    },
    "tf-event-data-store-single-region": {
        ("CT002", "account:default"): "fail",
        ("CT004", "account:default"): "unknown",
        ("CT009", "aws_cloudtrail_event_data_store.regional"): "pass",
    },
    "cfn-event-data-store-single-region": {
        ("CT002", "account:default"): "fail",
        ("CT004", "account:default"): "unknown",
        ("CT009", "Regional"): "pass",
    },
    # -- Part 8: trails not created under the given inputs ------------------------------------
    "tf-trail-count-zero": {
        ("CT001", "aws_cloudtrail.main"): "not_applicable",
        ("CT001", "aws_cloudtrail.extra"): "not_applicable",
        ("CT001", "module.audit.aws_cloudtrail.this"): "not_applicable",
        ("CT008", "aws_cloudtrail.main"): "not_applicable",
        ("CT001", "account:default"): "not_applicable",
    },
    "cfn-trail-condition-false": {
        ("CT001", "Trail"): "not_applicable",
        ("CT009", "Trail"): "not_applicable",
        ("CT001", "account:default"): "not_applicable",
    },
    # -- Defects seen on real code ------------------------------------------------------------
    "tf-event-rule-partly-unknown": {
        ("CT401", "aws_cloudwatch_log_group.trail"): "fail",
        ("CT415", "aws_cloudwatch_log_group.trail"): "fail",
        ("CT010", "aws_cloudtrail.audit"): "pass",
    },
    "cfn-event-rule-partly-unknown": {
        ("CT401", "TrailLogGroup"): "fail",
        ("CT415", "TrailLogGroup"): "fail",
        ("CT010", "Trail"): "pass",
    },
    "tf-dynamic-selectors-unknown": {
        ("CT013", "account:default"): "unknown",
        ("CT002", "account:default"): "unknown",
        ("CT001", "aws_cloudtrail.this"): "pass",
    },
    "cfn-org-formation": {
        ("CT001", "account:default"): "not_applicable",
    },
}


@cache
def scan_case(name: str) -> ScanResult:
    folder = CASES / name
    config_file = folder / ".trailscan.toml"
    config = load_config(config_file) if config_file.is_file() else Config()
    return run_scan(ScanOptions(paths=(folder,), root=folder, config=config))


def _params() -> list[object]:
    out = []
    for case, table in EXPECTED.items():
        for key, status in table.items():
            policy, subject = key[0], key[1]
            account = key[2] if len(key) == 3 else "default"
            out.append(pytest.param(case, policy, subject, account, status,
                                    id=f"{case}::{policy}::{subject}::{account}"))
    return out


@pytest.mark.parametrize(("case", "policy", "subject", "account", "status"), _params())
def test_verdict(case: str, policy: str, subject: str, account: str, status: str) -> None:
    result = scan_case(case)
    found = [e for e in result.evaluations
             if e.policy == policy and e.subject == subject and e.account == account]
    others = [f"{e.subject}@{e.account}: {e.status.value} {e.reason}"
              for e in result.evaluations if e.policy == policy]
    assert len(found) == 1, f"{policy} on {subject!r}@{account}: evaluations are {others}"
    assert found[0].status.value == status, f"{policy} on {subject}: {found[0].reason}"


def test_every_case_has_a_table() -> None:
    assert {p.name for p in CASES.iterdir() if p.is_dir()} == set(EXPECTED)


# Cases whose point is a CT901 (the others must parse cleanly).
EXPECTED_PROBLEMS: dict[str, list[tuple[str, int, str]]] = {
    "cfn-trail-without-is-logging": [
        ("trail.yaml", 4,
         "trail AuditTrail has no IsLogging, a required property (CloudFormation rejects this template)"),
    ],
    "cfn-org-formation": [
        ("templates/cloudtrail.yml", 4, "unknown tag !Include: not CloudFormation (org-formation?)"),
    ],
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_problems(case: str) -> None:
    problems = [(f.span.path, f.span.line, f.message) for f in scan_case(case).findings
                if f.id in ("CT900", "CT901")]
    assert problems == EXPECTED_PROBLEMS.get(case, []), problems


# ---------------------------------------------------------------------------
# Part 6: a log group without its role
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["tf-log-group-without-role", "cfn-log-group-without-role"])
def test_ct010_says_the_trail_does_not_deploy(case: str) -> None:
    (finding,) = [f for f in scan_case(case).findings if f.id == "CT010"]
    assert "which CloudTrail rejects (CT006)" in finding.message
    assert "does not deploy as written" in finding.message


# ---------------------------------------------------------------------------
# Part 7
# ---------------------------------------------------------------------------


def test_terragrunt_units_and_what_they_read() -> None:
    result = scan_case("tg-live")
    units = {u.id: u for u in result.units}
    # The included parent configuration and the source module are not roots of their own.
    assert set(units) == {"live/prod/cached", "live/prod/remote", "live/prod/trail", "live/staging/trail"}
    assert {"live/prod/trail/terragrunt.hcl", "terragrunt.hcl", "modules/trail/main.tf"} <= set(
        units["live/prod/trail"].files
    )
    (unread,) = units["live/prod/remote"].unread_modules
    assert "is remote and terragrunt has not cached it in .terragrunt-cache" in unread


def test_terragrunt_dependency_output_says_where_it_comes_from() -> None:
    (evaluation,) = [e for e in scan_case("tg-live").evaluations
                     if e.policy == "CT009" and e.account == "live/prod/trail"]
    assert evaluation.reason == (
        "dependency.kms.outputs.key_arn is another terragrunt module's output, known only after it is applied"
    )


def test_external_trail_points_at_its_declaration() -> None:
    result = scan_case("tf-external-org-trail")
    (coverage,) = [e for e in result.evaluations if e.policy == "CT002"]
    assert coverage.span is not None and (coverage.span.path, coverage.span.line) == (".trailscan.toml", 4)
    # Per-resource policies never judge it.
    assert not [e for e in result.evaluations if e.subject.startswith("external_trails.")]


def test_undeclared_external_properties_are_named() -> None:
    (evaluation,) = [e for e in scan_case("cfn-external-org-trail").evaluations if e.policy == "CT013"]
    assert "s3_data_events is not declared for this external trail" in evaluation.reason


def test_single_region_event_data_store_says_why_global_events_are_unknown() -> None:
    (evaluation,) = [e for e in scan_case("tf-event-data-store-single-region").evaluations
                     if e.policy == "CT004"]
    assert "a single-Region event data store records global service events only in us-east-1" in (
        evaluation.reason
    )


# ---------------------------------------------------------------------------
# Part 8
# ---------------------------------------------------------------------------

NOT_CREATED_REASONS = {
    "tf-trail-count-zero": {
        "aws_cloudtrail.main": "count = 0 (var.enabled = false)",
        "aws_cloudtrail.extra": "for_each = {} (var.extra_trails = {})",
        "module.audit.aws_cloudtrail.this": "count = 0 (var.create = false)",
    },
    "cfn-trail-condition-false": {"Trail": "Condition IsProd is false (Env = dev)"},
}


@pytest.mark.parametrize("case", sorted(NOT_CREATED_REASONS))
def test_not_created_trails_say_why(case: str) -> None:
    result = scan_case(case)
    reasons = NOT_CREATED_REASONS[case]
    for subject, reason in reasons.items():
        found = {e.reason for e in result.evaluations if e.subject == subject}
        assert found == {f"not created under the given inputs: {reason}"}, (subject, found)
        # once per policy that ran
        assert sum(e.subject == subject for e in result.evaluations) == len(result.policies)
    account = next(e for e in result.evaluations if e.subject == "account:default" and e.policy == "CT001")
    assert account.reason.startswith("no trail is created under the given inputs: ")
    noun = "trail" if len(reasons) == 1 else "trails"
    assert f"; {len(reasons)} {noun} not created under the given inputs; " in summary_line(result)
    assert summary(result)["trails_not_created"] == len(reasons)
    report = report_dict(result, RenderOptions())
    assert report["summary"]["trails_not_created"] == len(reasons)


def test_summary_is_silent_when_every_trail_is_created() -> None:
    result = scan_case("tf-log-group-without-role")
    assert "not created" not in summary_line(result)
    assert "trails_not_created" not in summary(result)


# ---------------------------------------------------------------------------
# Defects seen on real code
# ---------------------------------------------------------------------------


def test_org_formation_organization_file_is_not_ours() -> None:
    assert scan_case("cfn-org-formation").files.not_ours == ["organization.yml"]


def test_a_changed_module_is_checked_through_the_terragrunt_roots_that_call_it(tmp_path: Path) -> None:
    import shutil

    tree = tmp_path / "repo"
    shutil.copytree(CASES / "tg-live", tree)
    (tree / ".git").mkdir()  # the repository around the changed file
    changed = tree / "modules" / "trail" / "main.tf"
    result = run_scan(ScanOptions(paths=(changed,), root=tree, changed_files=True,
                                  config=load_config(tree / ".trailscan.toml")))
    assert {u.id for u in result.units} == {"live/prod/trail", "live/staging/trail"}
    verdicts = {(e.account, e.status.value) for e in result.evaluations if e.policy == "CT001"}
    assert verdicts == {("live/prod/trail", "pass"), ("live/staging/trail", "fail")}


def test_a_terragrunt_config_linked_from_outside_the_root_is_never_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.hcl"
    outside.write_text('inputs = { secret = "decoy" }\n')
    root = tmp_path / "repo"
    (root / "live").mkdir(parents=True)
    (root / "live" / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    (root / "live" / "terragrunt.hcl").symlink_to(outside)
    result = run_scan(ScanOptions(paths=(root,), root=root, config=Config()))
    problems = {(f.span.path, f.message) for f in result.findings if f.id == "CT901"}
    assert ("live/terragrunt.hcl", "symlink points outside the scanned root; not read") in problems
    assert all("outside.hcl" not in path for u in result.units for path in u.files)
