"""CT302: KMS encryption of the trail's CloudWatch Logs group."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from scanner import arns
from scanner.analysis import delivery, iam
from scanner.model import KmsKey, LogGroup, Model
from scanner.policy import Edit, Fail, NotFixed, Outcome, judge, point_at_the_one_key, policy, record_of

LOGS = f"logs.{arns.REGION}.amazonaws.com"
# What CloudWatch Logs asks of the key to encrypt a group's events and read them back.
_LOG_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey")


def _lets_logs(group: LogGroup, key: KmsKey) -> bool:
    """The key's policy surely lets CloudWatch Logs of the key's region use it for this
    group (the ``logs.<region>.amazonaws.com`` principal, the group's encryption context)."""
    if not (key.policy.known and key.policy.value is not None) or key.enabled.is_false():
        return False
    spec = key.key_spec
    if not spec.known or str(spec.value or "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT":
        return False
    name = group.name.value if group.name.known and group.name.value else f"${{{group.ref}}}"
    group_arn = str(group.arn.value) if group.arn.known and group.arn.value else arns.log_group(str(name))
    context = {"kms:EncryptionContext:aws:logs:arn": group_arn, "aws:SourceAccount": arns.ACCOUNT}
    return all(
        iam.service_can(key.policy.value, LOGS, action, delivery.key_arn(key), context).allowed is True
        for action in _LOG_ACTIONS
    )


def _fix(model: Model, fail: Fail) -> Iterator[Edit | NotFixed]:
    """The group uses the unit's KMS key, when exactly one key of the unit lets CloudWatch
    Logs use it for this group."""
    group = record_of(model.log_groups, fail.subject)
    if group is None:
        return
    keys = [k for k in model.kms_keys if k.unit == group.unit and _lets_logs(group, k)]
    yield point_at_the_one_key(group, group.kms_key_id, keys, "CloudWatch Logs", " for this group")


@policy(
    id="CT302",
    name="log-group-encryption",
    severity="LOW",
    controls={},
    aliases=("CKV_AWS_158", "AVD-AWS-0017", "aws-cloudwatch-log-group-customer-key"),
    fix=_fix,
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
