"""A hand-built ScanResult over tests/fixtures/reports for the reporter tests.

Building the result directly (rather than scanning) pins every case a reporter must
handle — related locations, suppressions, parse errors, a foreign cfn-lint id, an
account-level finding, unknown evaluations, awkward characters — independently of how
far the parsers and the policy catalogue have got. Spans point at real lines of the
fixture files so that snippets and line hashes are exercised too.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from scanner.config import Config
from scanner.model import Model, Severity, Span
from scanner.policy import Outcome, PolicySpec, Related, policy
from scanner.results import Evaluation, FileSummary, Finding, ScanResult, Status, Waiver, WaiverKind

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "reports"
TF = "terraform/audit/main.tf"
CFN = "cloudformation/trail.yaml"
BROKEN = "cloudformation/broken.yaml"


def _nothing(model: Model) -> Iterable[Outcome]:
    return ()


def _spec(pid: str, name: str, severity: str, doc: str, **controls: str) -> PolicySpec:
    _nothing.__doc__ = doc
    func = policy(id=pid, name=name, severity=severity, controls=controls or None)(_nothing)
    return func.__trailscan_policy__  # type: ignore[attr-defined]


SPECS: tuple[PolicySpec, ...] = (
    _spec(
        "CT001",
        "multi-region-trail",
        "HIGH",
        """Trails must record every region

        ## Why is this bad?
        A single-region trail misses API activity in every other region.

        ## How to fix
        Terraform: `is_multi_region_trail = true`.
        CloudFormation: `IsMultiRegionTrail: true`.
        """,
    ),
    _spec(
        "CT007",
        "trail-logging-enabled",
        "CRITICAL",
        """Trails must be logging

        ## Why is this bad?
        A trail that is not logging records nothing.

        ## How to fix
        Terraform: remove `enable_logging = false`.
        CloudFormation: `IsLogging: true`.
        """,
    ),
    _spec(
        "CT008",
        "log-file-validation",
        "HIGH",
        """Trails must enable log file validation

        ## Why is this bad?
        Without digest files nobody can prove a log file was not modified.

        ## How to fix
        Terraform: `enable_log_file_validation = true`.
        CloudFormation: `EnableLogFileValidation: true`.

        ## References
        - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html
        """,
        **{"CIS AWS Foundations v3.0": "3.2"},
    ),
    _spec(
        "CT013",
        "s3-data-events",
        "LOW",
        """An account trail must record S3 data events

        ## Why is this bad?
        Object-level access to sensitive buckets goes unrecorded.

        ## How to fix
        Add an event selector for `AWS::S3::Object`.
        """,
    ),
    _spec(
        "CT202",
        "kms-key-rotation",
        "MEDIUM",
        """The trail's KMS key must rotate

        ## Why is this bad?
        A key that never rotates widens the blast radius of a leak.

        ## How to fix
        Terraform: `enable_key_rotation = true`.
        """,
    ),
)
_SPEC = {s.id: s for s in SPECS}


def _finding(pid: str, message: str, resource: str, span: Span, **extra: object) -> Finding:
    spec = _SPEC.get(pid)
    if spec is None:
        raise KeyError(pid)
    return Finding(
        id=pid,
        name=spec.name,
        severity=spec.severity,
        title=spec.title,
        message=message,
        resource=resource,
        span=span,
        fix=spec.how_to_fix,
        **extra,  # type: ignore[arg-type]
    )


def synthetic_result(root: Path = FIXTURES, fail_on: Severity = Severity.HIGH) -> ScanResult:
    bucket = Related(
        label="bucket",
        ref="aws_s3_bucket.logs",
        span=Span(path=TF, line=3, column=1, end_line=5, end_column=2),
    )
    findings = [
        _finding(
            "CT008",
            "Log file validation is set to false on trail aws_cloudtrail.main: delivered logs "
            "are not tamper-evident.",
            "aws_cloudtrail.main",
            Span(path=TF, line=16, column=3, end_line=16, end_column=37),
            related=(bucket,),
        ),
        _finding(
            "CT007",
            "Trail aws_cloudtrail.regional has enable_logging = false: it records nothing "
            '(name "regional | \\"quoted\\", 100% <weird>").',
            "aws_cloudtrail.regional",
            Span(path=TF, line=23, column=3, end_line=23, end_column=25),
        ),
        _finding(
            "CT001",
            "Trail aws_cloudtrail.regional records only its home region.",
            "aws_cloudtrail.regional",
            Span(path=TF, line=20, column=1, end_line=24, end_column=2),
            related=(
                Related(
                    label="bucket",
                    ref="aws_s3_bucket.logs[0]",
                    span=Span(path=TF, line=3, column=1),
                ),
            ),
        ),
        _finding(
            "CT001",
            "Trail Trail records only its home region.",
            "Trail",
            Span(path=CFN, line=11, column=7, end_line=11, end_column=32),
            account="prod",
        ),
        _finding(
            "CT008",
            "Log file validation is set to false on trail Trail.",
            "Trail",
            Span(path=CFN, line=12, column=7, end_line=12, end_column=37),
            account="prod",
        ),
        _finding(
            "CT008",
            "Log file validation is not enabled (default false) on trail QuietTrail.",
            "QuietTrail",
            Span(path=CFN, line=13, column=3, end_line=13, end_column=13),
            account="prod",
            suppressed=True,
            suppression=Waiver(WaiverKind.INLINE, "digest files are validated by the archive account"),
        ),
        _finding(
            "CT202",
            "KMS key aws_kms_key.trail has rotation off.",
            "aws_kms_key.trail",
            Span(path=TF, line=7, column=1, end_line=10, end_column=2),
            suppressed=True,
            suppression=Waiver(WaiverKind.BASELINE),
        ),
        _finding(
            "CT013",
            "No trail in account 'default' records S3 object-level read and write events.",
            "account:default",
            Span(path="."),
        ),
        Finding(
            id="CT901",
            name="parse-error",
            severity=Severity.HIGH,
            title="A file could not be parsed",
            message="while parsing a flow sequence: expected ',' or ']', but got ':'",
            resource=BROKEN,
            span=Span(path=BROKEN, line=6, column=21),
            fix="Fix the syntax error at the reported line.",
        ),
        Finding(
            id="E3002",
            name="cfn-lint",
            severity=Severity.MEDIUM,
            title="cfn-lint E3002",
            message="Additional properties are not allowed ('KmsKeyID' was unexpected)",
            resource=CFN,
            span=Span(path=CFN, line=9, column=7, end_line=9, end_column=19),
            account="prod",
            fix="See the cfn-lint rule documentation for this id.",
        ),
    ]
    evaluations = [
        Evaluation(
            policy="CT001",
            subject="aws_cloudtrail.main",
            status=Status.PASS,
            span=Span(path=TF, line=15, column=3),
        ),
        Evaluation(
            policy="CT001",
            subject="aws_cloudtrail.regional",
            status=Status.FAIL,
            span=findings[2].span,
            reason=findings[2].message,
        ),
        Evaluation(
            policy="CT001",
            subject="QuietTrail",
            status=Status.PASS,
            span=Span(path=CFN, line=23, column=7),
            account="prod",
        ),
        Evaluation(
            policy="CT001",
            subject="Trail",
            status=Status.FAIL,
            span=findings[3].span,
            account="prod",
            reason=findings[3].message,
        ),
        Evaluation(
            policy="CT007",
            subject="aws_cloudtrail.main",
            status=Status.PASS,
            span=Span(path=TF, line=12, column=1),
        ),
        Evaluation(
            policy="CT007",
            subject="aws_cloudtrail.regional",
            status=Status.FAIL,
            span=findings[1].span,
            reason=findings[1].message,
        ),
        Evaluation(
            policy="CT007",
            subject="Trail",
            status=Status.PASS,
            span=Span(path=CFN, line=10, column=7),
            account="prod",
        ),
        Evaluation(
            policy="CT008",
            subject="aws_cloudtrail.main",
            status=Status.FAIL,
            span=findings[0].span,
            reason=findings[0].message,
        ),
        Evaluation(
            policy="CT008",
            subject="aws_cloudtrail.regional",
            status=Status.UNKNOWN,
            span=Span(path=TF, line=20, column=1),
            reason="enable_log_file_validation comes from var.validation (no default)",
        ),
        Evaluation(
            policy="CT008",
            subject="QuietTrail",
            status=Status.SUPPRESSED,
            span=findings[5].span,
            account="prod",
            reason=findings[5].message,
        ),
        Evaluation(
            policy="CT008",
            subject="Trail",
            status=Status.FAIL,
            span=findings[4].span,
            account="prod",
            reason=findings[4].message,
        ),
        Evaluation(
            policy="CT013",
            subject="account:default",
            status=Status.FAIL,
            span=Span(path="."),
            reason=findings[7].message,
        ),
        Evaluation(
            policy="CT013",
            subject="account:prod",
            status=Status.NOT_APPLICABLE,
            span=None,
            account="prod",
        ),
        Evaluation(
            policy="CT202",
            subject="aws_kms_key.trail",
            status=Status.FAIL,
            span=findings[6].span,
            reason=findings[6].message,
        ),
    ]
    return ScanResult(
        root=root,
        version="0.1.0",
        policies=SPECS,
        findings=sorted(findings, key=Finding.sort_key),
        evaluations=sorted(evaluations, key=Evaluation.sort_key),
        files=FileSummary(
            scanned=[CFN, TF],
            not_ours=["notes.txt"],
            failed=[BROKEN],
        ),
        units=[],
        accounts=["default", "prod"],
        config=Config(fail_on=fail_on),
        fail_on=fail_on,
    )
