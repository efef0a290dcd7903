"""CT009: the trail's log files are encrypted with a customer-managed KMS key."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from scanner.analysis import delivery, iam
from scanner.analysis.trails import sorted_trails
from scanner.model import Attr, KmsKey, Model, Origin, Trail
from scanner.policy import Edit, Fail, NotFixed, Outcome, judge, point_at_the_one_key, policy, record_of


def _lets_cloudtrail(trail: Trail, key: KmsKey) -> bool:
    """The key is a usable symmetric key whose policy surely lets CloudTrail encrypt the
    trail's logs (what CT201 checks once the trail uses it)."""
    spec = key.key_spec
    if not (key.policy.known and key.policy.value is not None) or key.enabled.is_false():
        return False
    if not spec.known or str(spec.value or "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT":
        return False
    return iam.evaluate(key.policy.value, delivery.key_check(trail, key).request).allowed is True


def _fix(model: Model, fail: Fail) -> Iterator[Edit | NotFixed]:
    """The trail uses the unit's KMS key, when exactly one key of the unit lets CloudTrail
    use it; choosing among several keys (or writing a key policy) is left to the author,
    and so is an event data store's key, which is for good once set."""
    trail = record_of(model.trails, fail.subject)
    if trail is None:
        if record_of(model.event_data_stores, fail.subject) is not None:
            yield NotFixed(
                "the key of an event data store cannot be changed or removed once set, and its "
                "key policy (CloudTrail Lake's) is not checked here: choosing it is the author's decision"
            )
        return
    keys = [k for k in model.kms_keys if k.unit == trail.unit and _lets_cloudtrail(trail, k)]
    yield point_at_the_one_key(trail, trail.kms_key_id, keys, "CloudTrail")


@policy(
    id="CT009",
    name="kms-encryption",
    severity="HIGH",
    controls={"CIS AWS Foundations v3.0": "3.5", "AWS Security Hub": "CloudTrail.2"},
    aliases=(
        "CKV_AWS_35", "CKV_AWS_294", "AVD-AWS-0015", "aws-cloudtrail-encryption-customer-managed-key",
        "aws-cloudtrail-enable-at-rest-encryption",
    ),
    fix=_fix,
)
def kms_encryption(model: Model) -> Iterable[Outcome]:
    """Trails must encrypt their log files with a customer-managed KMS key

    ## Why is this bad?
    Without a KMS key CloudTrail log files get only the bucket's default SSE-S3
    encryption: anyone who can read the bucket can read the logs. With SSE-KMS, reading
    also needs `kms:Decrypt` on the key, a second, separately audited permission, and
    disabling the key is itself logged. A CloudTrail Lake event data store holds the same
    events: without `kms_key_id` / `KmsKeyId` they are encrypted with a key CloudTrail
    owns, outside the account's control, so it is checked the same way.

    ## How to fix
    Terraform: set `kms_key_id` on the `aws_cloudtrail` to the ARN of an `aws_kms_key` whose policy lets CloudTrail use it.
    CloudFormation: set `KMSKeyId` on the `AWS::CloudTrail::Trail` (note the spelling: `KMSKeyId`, not `KmsKeyId`).

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html
    """
    for store in sorted_trails(model.event_data_stores):
        yield _encrypted(store.subject, store.kms_key_id,
                         f"Event data store {store.subject} is not encrypted with a customer-managed "
                         "KMS key; its events get only a key CloudTrail owns")
    for trail in sorted_trails(model.trails):
        yield _encrypted(trail.subject, trail.kms_key_id,
                         f"Trail {trail.subject} is not encrypted with a customer-managed KMS key "
                         "(SSE-KMS); logs get only the default SSE-S3")


def _encrypted(subject: str, attr: Attr, fail: str) -> Outcome:
    """Set, unset (the message says whether it was written empty) or unknown."""
    how = f"{attr.name} is empty" if attr.origin is Origin.EXPLICIT else f"no {attr.name}"
    return judge(subject=subject, span=attr.span, verdict=attr.is_set(), unknown=attr.reason,
                 fail=f"{fail} ({how}).")
