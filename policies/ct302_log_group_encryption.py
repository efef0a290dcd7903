"""CT302: KMS encryption of the trail's CloudWatch Logs group."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import delivery
from scanner.model import Model
from scanner.policy import Outcome, judge, policy


@policy(
    id="CT302",
    name="log-group-encryption",
    severity="LOW",
    controls={},
    aliases=("CKV_AWS_158", "AVD-AWS-0017", "aws-cloudwatch-log-group-customer-key"),
)
def log_group_encryption(model: Model) -> Iterable[Outcome]:
    """The trail's log group must be encrypted with a KMS key

    ## Why is this bad?
    The log group holds a full copy of the trail's management events. Encrypting the
    trail's S3 logs with KMS but not this copy leaves the same data readable to anyone
    with `logs:GetLogEvents`; a customer managed key puts reads of it under the key
    policy, like the S3 copy.

    ## How to fix
    Terraform: set `kms_key_id` on the `aws_cloudwatch_log_group` (the key policy must allow `logs.<region>.amazonaws.com`).
    CloudFormation: set `KmsKeyId` on the `AWS::Logs::LogGroup`.

    ## References
    - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
    """
    used, unknowns = delivery.used_log_groups(model)
    yield from unknowns
    for use in used:
        group = use.record
        attr = group.kms_key_id
        yield judge(
            subject=group.subject,
            span=attr.span,
            verdict=attr.is_set(),
            unknown=f"the KMS key of log group {group.subject} cannot be resolved: {attr.reason}",
            fail=f"Log group {group.subject}, which receives the trail's events, is not encrypted with a KMS key.",
            related=delivery.trail_related(use.trails),
        )
