"""CT202: rotation of the trail's KMS key."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from scanner.analysis import delivery
from scanner.model import Model, Origin
from scanner.policy import Edit, Fail, NotFixed, Outcome, assign, judge, policy, record_of


def _fix(model: Model, fail: Fail) -> Iterator[Edit | NotFixed]:
    """Automatic rotation on."""
    key = record_of(model.kms_keys, fail.subject)
    if key is not None:
        yield assign(key, key.rotation, True)


@policy(
    id="CT202",
    name="kms-key-rotation",
    severity="MEDIUM",
    controls={"CIS AWS Foundations v3.0": "3.6", "AWS Security Hub": "KMS.4"},
    aliases=("CKV_AWS_7", "AVD-AWS-0065", "aws-kms-auto-rotate-keys"),
    fix=_fix,
)
def kms_key_rotation(model: Model) -> Iterable[Outcome]:
    """The trail's KMS key must have automatic rotation enabled

    ## Why is this bad?
    Every log file of the trail is encrypted under this key. Without rotation the same
    key material protects years of audit logs, so one exposure of it (or a weakness
    found later) compromises all of them; automatic rotation limits how much any single
    key version protects, without re-encrypting anything.

    ## How to fix
    Terraform: set `enable_key_rotation = true` on the `aws_kms_key`.
    CloudFormation: set `EnableKeyRotation: true` on the `AWS::KMS::Key`.

    ## References
    - https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
    """
    used, unknowns = delivery.used_keys(model)
    yield from unknowns
    for use in used:
        key = use.record
        spec = key.key_spec
        if spec.known and spec.value and str(spec.value) != "SYMMETRIC_DEFAULT":
            continue  # automatic rotation exists only for symmetric keys (CT201 fails these)
        attr = key.rotation
        how = "is disabled" if attr.origin is Origin.EXPLICIT else "is not enabled (default off)"
        yield judge(
            subject=key.subject,
            span=attr.span,
            verdict=attr.truth(),
            unknown=f"rotation of KMS key {key.subject} cannot be resolved: {attr.reason}",
            fail=f"Automatic rotation {how} on KMS key {key.subject}, which encrypts the trail's logs.",
            related=delivery.trail_related(use.trails),
        )
