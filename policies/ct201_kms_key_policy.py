"""CT201: the trail's KMS key policy lets CloudTrail encrypt."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import delivery
from scanner.model import KmsKey, Model, Trail
from scanner.policy import Outcome, Related, Tally, policy


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
        yield from _encryption(trail, key)


def _encryption(trail: Trail, key: KmsKey) -> list[Outcome]:
    cannot = f"CloudTrail cannot encrypt with KMS key {key.subject}"
    tally = Tally(
        subject=trail.subject,
        span=key.policy.span,
        related=(
            Related(label="kms key", ref=key.subject, span=key.span),
            Related(label="trail", ref=trail.subject, span=trail.span),
        ),
    )
    spec = key.key_spec
    if spec.known and spec.value and str(spec.value) != "SYMMETRIC_DEFAULT":
        tally.fail(
            f"{cannot}: its key spec is {spec.value}, and CloudTrail supports only symmetric "
            f"keys (trail {trail.subject}).",
            span=spec.span,
        )
        return tally.outcomes()
    document = delivery.policy_document(
        tally,
        key.policy,
        unresolved=f"the policy of KMS key {key.subject} cannot be resolved",
        missing=(
            f"{cannot}: it has the default key policy, which grants only the account root, so "
            f"{delivery.CLOUDTRAIL} may not kms:GenerateDataKey* for trail {trail.subject}."
        ),
    )
    if document is not None:
        delivery.require(
            tally,
            document,
            [delivery.key_check(trail, key)],
            span=key.policy.span,
            denied=lambda check, deny, _: (
                f"{cannot}: {delivery.statement_label(deny)} of its key policy denies "
                f"{check.what} to {delivery.CLOUDTRAIL} for trail {trail.subject}."
            ),
            refused=lambda check, _: (
                f"{cannot}: its key policy does not allow {check.what} to {delivery.CLOUDTRAIL} "
                f"for trail {trail.subject}."
            ),
            undecided=lambda _, decision: decision.reason,
        )
    return tally.outcomes()
