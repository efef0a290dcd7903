"""CT203: the trail's KMS key is enabled."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import delivery
from scanner.analysis.trails import listing
from scanner.model import Model
from scanner.policy import Outcome, judge, policy


@policy(
    id="CT203",
    name="kms-key-enabled",
    severity="HIGH",
    controls={},
    aliases=("CKV_AWS_227",),
)
def kms_key_enabled(model: Model) -> Iterable[Outcome]:
    """The trail's KMS key must be enabled

    ## Why is this bad?
    CloudTrail cannot generate data keys with a disabled key, so every delivery fails and
    the trail writes nothing. Logs already written stay unreadable until the key is
    enabled again.

    ## How to fix
    Terraform: set `is_enabled = true` (or remove `is_enabled = false`) on the `aws_kms_key`.
    CloudFormation: set `Enabled: true` (or remove `Enabled: false`) on the `AWS::KMS::Key`.

    ## References
    - https://docs.aws.amazon.com/kms/latest/developerguide/enabling-keys.html
    """
    used, unknowns = delivery.used_keys(model)
    yield from unknowns
    for use in used:
        key = use.record
        attr = key.enabled
        trails = listing(use.trails, lambda t: t.subject)
        yield judge(
            subject=key.subject,
            span=attr.span,
            verdict=attr.truth(),
            unknown=f"whether KMS key {key.subject} is enabled cannot be resolved: {attr.reason}",
            fail=f"KMS key {key.subject} is disabled: CloudTrail cannot encrypt, so {trails} delivers no logs.",
            related=delivery.trail_related(use.trails),
        )
