"""CT201: the trail's KMS key policy lets CloudTrail encrypt."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import delivery, iam
from scanner.model import Model, Origin
from scanner.policy import Fail, Outcome, Pass, Related, Unknown, policy


@policy(
    id="CT201",
    name="kms-key-policy",
    severity="CRITICAL",
    controls={},
)
def kms_key_policy(model: Model) -> Iterable[Outcome]:
    """The trail's KMS key policy must let CloudTrail encrypt log files

    ## Why is this bad?
    A trail with a KMS key encrypts every log file with a data key that CloudTrail asks
    KMS for (`kms:GenerateDataKey*`, as `cloudtrail.amazonaws.com`, with the trail ARN in
    the encryption context). A key policy that does not allow it -- the default key
    policy grants only the account root, and IAM policies cannot grant a service
    principal -- makes every delivery fail: the trail exists, no log is written.

    ## How to fix
    Terraform: in the `aws_kms_key` `policy`, allow `Principal: {Service: cloudtrail.amazonaws.com}` `kms:GenerateDataKey*` with `StringLike kms:EncryptionContext:aws:cloudtrail:arn = arn:aws:cloudtrail:*:<account-id>:trail/*`.
    CloudFormation: add the same statement to the `KeyPolicy` of the `AWS::KMS::Key`.

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
    """
    for item in delivery.key_links(model):
        trail, key = item.trail, item.link.record
        if key is None:
            yield delivery.unlinked(item, "KMS key")
            continue
        related = (
            Related(label="kms key", ref=key.ref, span=key.span),
            Related(label="trail", ref=trail.ref, span=trail.span),
        )
        spec = key.key_spec
        if spec.known and spec.value and str(spec.value) != "SYMMETRIC_DEFAULT":
            yield Fail(
                subject=trail.ref,
                span=spec.span,
                message=(
                    f"CloudTrail cannot encrypt with KMS key {key.ref}: its key spec is "
                    f"{spec.value}, and CloudTrail supports only symmetric keys (trail {trail.ref})."
                ),
                related=related,
            )
            continue
        policy_attr = key.policy
        if policy_attr.origin is Origin.UNKNOWN:
            yield Unknown(
                subject=trail.ref,
                span=policy_attr.span,
                reason=f"the policy of KMS key {key.ref} cannot be resolved: {policy_attr.reason}",
                related=related,
            )
            continue
        if policy_attr.value is None:
            yield Fail(
                subject=trail.ref,
                span=policy_attr.span,
                message=(
                    f"CloudTrail cannot encrypt with KMS key {key.ref}: it has the default key "
                    "policy, which grants only the account root, so "
                    f"{delivery.CLOUDTRAIL} may not kms:GenerateDataKey* for trail {trail.ref}."
                ),
                related=related,
            )
            continue
        check = delivery.key_check(trail, key)
        decision = iam.evaluate(policy_attr.value, check.request)
        if decision.allowed is True:
            yield Pass(subject=trail.ref, span=policy_attr.span)
        elif decision.allowed is None:
            yield Unknown(subject=trail.ref, span=policy_attr.span, reason=decision.reason, related=related)
        elif decision.deny_statements:
            deny = decision.deny_statements[0]
            yield Fail(
                subject=trail.ref,
                span=deny.span,
                message=(
                    f"CloudTrail cannot encrypt with KMS key {key.ref}: "
                    f"{delivery.statement_label(deny)} of its key policy denies "
                    f"{check.what} to {delivery.CLOUDTRAIL} for trail {trail.ref}."
                ),
                related=related,
            )
        else:
            yield Fail(
                subject=trail.ref,
                span=policy_attr.span,
                message=(
                    f"CloudTrail cannot encrypt with KMS key {key.ref}: its key policy does not "
                    f"allow {check.what} to {delivery.CLOUDTRAIL} for trail {trail.ref}."
                ),
                related=related,
            )
