"""CT008: log file validation (tamper evidence for delivered logs)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from scanner.model import Model, Origin
from scanner.policy import Edit, Fail, NotFixed, Outcome, assign, judge, policy, record_of


def _fix(model: Model, fail: Fail) -> Iterator[Edit | NotFixed]:
    """Log file validation on."""
    trail = record_of(model.trails, fail.subject)
    if trail is not None:
        yield assign(trail, trail.log_file_validation, True)


@policy(
    id="CT008",
    name="log-file-validation",
    severity="HIGH",
    controls={"CIS AWS Foundations v3.0": "3.2", "AWS Security Hub": "CloudTrail.4"},
    aliases=("CKV_AWS_36", "AVD-AWS-0016", "aws-cloudtrail-enable-log-validation"),
    fix=_fix,
)
def log_file_validation(model: Model) -> Iterable[Outcome]:
    """Trails must enable log file validation

    ## Why is this bad?
    Without log file validation CloudTrail writes no signed digest files, so nobody can
    prove that a delivered log file was not modified or deleted after delivery. An
    attacker with write access to the bucket can then rewrite history undetected.

    ## How to fix
    Terraform: set `enable_log_file_validation = true` on the `aws_cloudtrail`.
    CloudFormation: set `EnableLogFileValidation: true` on the `AWS::CloudTrail::Trail`.

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html
    """
    for trail in model.trails:
        attr = trail.log_file_validation
        how = "is set to false" if attr.origin is Origin.EXPLICIT else "is not enabled (default false)"
        yield judge(
            subject=trail.subject,
            span=attr.span,
            verdict=attr.truth(),
            unknown=attr.reason,
            fail=f"Log file validation {how} on trail {trail.subject}: delivered logs are not tamper-evident.",
        )
