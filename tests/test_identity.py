"""Identity, not names: small realistic modules and templates (tests/cases/identity/) with
the verdict each policy must give.

Every case names its resources the way reusable modules do: from an input without a
default or a parameter without a Default, a random suffix, a module output or a nested
stack output. The trail refers to them by reference, so each bucket, key, log group, role
and topic policy must be decided from that resource's own settings (before the fix they
were all ``unknown``). The two-roots cases keep two units that use the same addresses or
logical ids apart: staging's public-read bucket and 30-day retention must fail although
prod's identically addressed resources pass.

A missing evaluation or another status fails the test with the evaluation's reason.
"""

from __future__ import annotations

import json
import textwrap
from functools import cache
from pathlib import Path

import pytest
from guards import run_cli_guarded

from scanner.config import Config
from scanner.options import ScanOptions
from scanner.results import ScanResult
from scanner.scan import run_scan

CASES = Path(__file__).resolve().parent / "cases" / "identity"

# case folder -> {(policy, subject): status}
EXPECTED: dict[str, dict[tuple[str, str], str]] = {
    "tf-bucket-by-reference": {
        ("CT011", "aws_cloudtrail.main"): "pass",
        ("CT101", "aws_cloudtrail.main"): "pass",
        ("CT102", "aws_s3_bucket.trail"): "pass",
        ("CT103", "aws_s3_bucket.trail"): "pass",
        ("CT104", "aws_s3_bucket.trail"): "pass",
        ("CT105", "aws_s3_bucket.trail"): "pass",
    },
    "tf-bucket-by-reference-bare": {
        ("CT101", "aws_cloudtrail.main"): "fail",
        ("CT102", "aws_s3_bucket.trail"): "fail",
        ("CT103", "aws_s3_bucket.trail"): "fail",
        ("CT104", "aws_s3_bucket.trail"): "fail",
        ("CT105", "aws_s3_bucket.trail"): "fail",
    },
    "cfn-bucket-by-reference": {
        ("CT011", "Trail"): "pass",
        ("CT101", "Trail"): "pass",
        ("CT102", "TrailBucket"): "pass",
        ("CT103", "TrailBucket"): "pass",
        ("CT104", "TrailBucket"): "pass",
        ("CT105", "TrailBucket"): "pass",
    },
    "cfn-bucket-by-reference-bare": {
        ("CT101", "Trail"): "fail",
        ("CT102", "TrailBucket"): "fail",
        ("CT103", "TrailBucket"): "fail",
        ("CT104", "TrailBucket"): "fail",
        ("CT105", "TrailBucket"): "fail",
    },
    "tf-log-group-by-reference": {
        ("CT006", "aws_cloudtrail.main"): "pass",
        ("CT010", "aws_cloudtrail.main"): "pass",
        ("CT301", "aws_cloudwatch_log_group.trail"): "fail",
        ("CT302", "aws_cloudwatch_log_group.trail"): "pass",
        ("CT303", "aws_cloudtrail.main"): "pass",
        ("CT401", "aws_cloudwatch_log_group.trail"): "fail",
        ("CT403", "aws_cloudwatch_log_group.trail"): "pass",
    },
    "tf-log-group-arn-without-suffix": {
        ("CT006", "aws_cloudtrail.main"): "fail",
        ("CT010", "aws_cloudtrail.main"): "pass",
        ("CT301", "aws_cloudwatch_log_group.trail"): "pass",
    },
    "cfn-log-group-by-reference": {
        ("CT006", "Trail"): "pass",
        ("CT010", "Trail"): "pass",
        ("CT301", "TrailLogGroup"): "fail",
        ("CT302", "TrailLogGroup"): "pass",
        ("CT303", "Trail"): "pass",
        ("CT401", "TrailLogGroup"): "fail",
        ("CT403", "TrailLogGroup"): "pass",
    },
    "tf-kms-alias-to-key": {
        ("CT009", "aws_cloudtrail.main"): "pass",
        ("CT201", "aws_cloudtrail.main"): "pass",
        ("CT202", "aws_kms_key.trail"): "fail",
        ("CT203", "aws_kms_key.trail"): "pass",
    },
    "cfn-kms-alias-to-key": {
        ("CT009", "Trail"): "pass",
        ("CT201", "Trail"): "pass",
        ("CT202", "TrailKey"): "fail",
        ("CT203", "TrailKey"): "pass",
    },
    "tf-sns-partly-unknown": {
        ("CT012", "aws_cloudtrail.templated"): "pass",
        ("CT012", "aws_cloudtrail.referenced"): "pass",
    },
    "cfn-sns-partly-unknown": {
        ("CT012", "JoinedTrail"): "pass",
        ("CT012", "ReferencedTrail"): "pass",
    },
    "tf-module-output-bucket": {
        ("CT011", "aws_cloudtrail.main"): "pass",
        ("CT101", "aws_cloudtrail.main"): "pass",
        ("CT102", "module.log_bucket.aws_s3_bucket.this"): "fail",
        ("CT103", "module.log_bucket.aws_s3_bucket.this"): "pass",
        ("CT104", "module.log_bucket.aws_s3_bucket.this"): "fail",
        ("CT105", "module.log_bucket.aws_s3_bucket.this"): "pass",
    },
    "cfn-nested-stack-log-group": {
        ("CT006", "Trail"): "pass",
        ("CT010", "Trail"): "pass",
        ("CT301", "Logs.LogGroup"): "fail",
        ("CT302", "Logs.LogGroup"): "fail",
        ("CT303", "Trail"): "pass",
    },
    "tf-two-roots-same-address": {
        ("CT103", "aws_s3_bucket.logs (prod)"): "pass",
        ("CT103", "aws_s3_bucket.logs (staging)"): "fail",
        ("CT301", "aws_cloudwatch_log_group.trail (prod)"): "pass",
        ("CT301", "aws_cloudwatch_log_group.trail (staging)"): "fail",
        ("CT005", "aws_cloudtrail.main (prod)"): "pass",
        ("CT005", "aws_cloudtrail.main (staging)"): "fail",
        ("CT002", "account:default"): "pass",
        ("CT004", "account:default"): "pass",
    },
    "cfn-two-templates-same-ids": {
        ("CT103", "LogBucket (a-prod.yaml)"): "pass",
        ("CT103", "LogBucket (b-staging.yaml)"): "fail",
        ("CT301", "TrailLogGroup (a-prod.yaml)"): "pass",
        ("CT301", "TrailLogGroup (b-staging.yaml)"): "fail",
        ("CT005", "Trail (a-prod.yaml)"): "pass",
        ("CT005", "Trail (b-staging.yaml)"): "fail",
    },
}


@cache
def scan_case(name: str) -> ScanResult:
    folder = CASES / name
    return run_scan(ScanOptions(paths=(folder,), root=folder, config=Config()))


def _params() -> list[object]:
    return [
        pytest.param(case, policy, subject, status, id=f"{case}::{policy}::{subject}")
        for case, table in EXPECTED.items()
        for (policy, subject), status in table.items()
    ]


@pytest.mark.parametrize(("case", "policy", "subject", "status"), _params())
def test_verdict(case: str, policy: str, subject: str, status: str) -> None:
    result = scan_case(case)
    found = [e for e in result.evaluations if e.policy == policy and e.subject == subject]
    others = [f"{e.subject}: {e.status.value} {e.reason}" for e in result.evaluations if e.policy == policy]
    assert len(found) == 1, f"{policy} on {subject!r}: evaluations are {others}"
    assert found[0].status.value == status, f"{policy} on {subject}: {found[0].reason}"


def test_every_case_has_a_table() -> None:
    folders = {p.name for p in CASES.iterdir() if p.is_dir()}
    assert folders == set(EXPECTED)


def test_cases_parse_without_problems() -> None:
    for case in EXPECTED:
        failed = [f for f in scan_case(case).findings if f.id in ("CT900", "CT901")]
        assert not failed, (case, [f.message for f in failed])


@pytest.mark.parametrize("case", ["tf-two-roots-same-address", "cfn-two-templates-same-ids"])
def test_same_addresses_stay_apart_in_messages_and_fingerprints(case: str) -> None:
    result = scan_case(case)
    for finding in result.findings:
        # never "X duplicates X", never a trail listed as its own duplicate
        if finding.id == "CT005":
            assert finding.resource not in finding.message.split(" duplicates ", 1)[1].split(":")[0]
            assert all(r.ref != finding.resource for r in finding.related), finding
    prints = [f.fingerprint for f in result.findings]
    assert len(prints) == len(set(prints))
    subjects = [(e.policy, e.subject) for e in result.evaluations]
    assert len(subjects) == len(set(subjects))


# ---------------------------------------------------------------------------
# Many units in one account: linear, and messages stay short
# ---------------------------------------------------------------------------

UNIT = """\
resource "aws_s3_bucket" "logs" {
  bucket = "central-logs"
}

resource "aws_cloudwatch_log_group" "trail" {
  name              = "cloudtrail"
  retention_in_days = 365
}

resource "aws_cloudwatch_log_metric_filter" "root" {
  name           = "root"
  log_group_name = "cloudtrail"
  pattern        = "{ $.userIdentity.type = \\"Root\\" }"
  metric_transformation {
    name      = "RootUsage"
    namespace = "CIS"
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "root" {
  alarm_name    = "root"
  metric_name   = "RootUsage"
  namespace     = "CIS"
  alarm_actions = ["arn:aws:sns:us-east-1:123456789012:alerts"]
}

resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = aws_s3_bucket.logs.id
  is_multi_region_trail      = true
  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"
  cloud_watch_logs_role_arn  = "arn:aws:iam::123456789012:role/ct"
}
"""

UNITS = 300
# A hang guard, not a speed assertion: the scan takes seconds; the quadratic version
# (every trail x every filter x every alarm, by name) did not finish in an hour.
HANG_GUARD_SECONDS = 600


def test_three_hundred_units_in_one_account_finish(tmp_path: Path) -> None:
    for i in range(UNITS):
        unit = tmp_path / f"unit{i:03d}"
        unit.mkdir()
        (unit / "main.tf").write_text(UNIT)
    proc = run_cli_guarded(["scan", str(tmp_path), "--format", "json"],
                           cpu_seconds=HANG_GUARD_SECONDS, wall_seconds=HANG_GUARD_SECONDS)
    report = json.loads(proc.stdout)
    evaluations = report["evaluations"]
    # every unit's trail, bucket and log group is judged: nothing folded
    assert sum(e["policy"] == "CT301" for e in evaluations) == UNITS
    assert sum(e["policy"] == "CT103" for e in evaluations) == UNITS
    duplicates = [f for f in report["findings"] if f["id"] == "CT005"]
    assert len(duplicates) == UNITS - 1
    for finding in duplicates:
        # at most five names, then how many more; a few related trails, never itself
        assert f"and {UNITS - 5} more" in finding["message"]
        assert finding["message"].count("aws_cloudtrail.main") <= 7
        assert len(finding["related"]) <= 5
        assert finding["resource"] not in {r["resource"] for r in finding["related"]}


def test_unit_names_in_subjects_only_when_ambiguous(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "main.tf").write_text(textwrap.dedent(UNIT))
    (tmp_path / "b" / "main.tf").write_text(
        UNIT.replace('"main"', '"other"').replace("aws_cloudtrail\" \"main", "aws_cloudtrail\" \"other")
    )
    result = run_scan(ScanOptions(paths=(tmp_path,), root=tmp_path, config=Config()))
    subjects = {e.subject for e in result.evaluations if e.policy == "CT001"}
    assert subjects == {"aws_cloudtrail.main", "aws_cloudtrail.other"}
    buckets = {e.subject for e in result.evaluations if e.policy == "CT103"}
    assert buckets == {"aws_s3_bucket.logs (a)", "aws_s3_bucket.logs (b)"}
