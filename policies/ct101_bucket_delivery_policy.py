"""CT101: the trail's bucket policy lets CloudTrail deliver."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import delivery
from scanner.model import Bucket, Model, Trail
from scanner.policy import Outcome, Related, Tally, policy


@policy(
    id="CT101",
    name="bucket-delivery-policy",
    severity="CRITICAL",
    controls={},
)
def bucket_delivery_policy(model: Model) -> Iterable[Outcome]:
    """The trail's bucket policy must let CloudTrail write its logs

    ## Why is this bad?
    CloudTrail writes to the bucket as the service principal `cloudtrail.amazonaws.com`.
    It first reads the bucket ACL (`s3:GetBucketAcl`), then puts each log file under
    `<prefix>/AWSLogs/<account-id>/` with the `bucket-owner-full-control` ACL
    (`s3:PutObject`; organization trails also write under `AWSLogs/<organization-id>/`).
    When the bucket policy does not allow both -- or a Deny statement takes them away --
    the trail is created and reports "logging", but every delivery fails: no log file is
    written and the account has no audit trail at all.

    ## How to fix
    Terraform: add an `aws_s3_bucket_policy` with statements allowing `cloudtrail.amazonaws.com` `s3:GetBucketAcl` on the bucket ARN and `s3:PutObject` on `<bucket ARN>/<prefix>/AWSLogs/<account-id>/*` (condition `s3:x-amz-acl = bucket-owner-full-control`, `aws:SourceArn` = the trail ARN), and make sure no Deny matches them.
    CloudFormation: add an `AWS::S3::BucketPolicy` with the same two statements and make the trail `DependsOn` it.

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
    """
    for item in delivery.bucket_links(model):
        trail, bucket = item.trail, item.link.record
        if bucket is None:
            yield delivery.unlinked(item, "bucket")
            continue
        yield from _delivery(trail, bucket)


def _delivery(trail: Trail, bucket: Bucket) -> list[Outcome]:
    name = bucket.name.value if bucket.name.known and bucket.name.value else bucket.subject
    cannot = f"CloudTrail cannot deliver to bucket {name}"
    tally = Tally(
        subject=trail.subject,
        span=bucket.policy.span,
        related=(
            Related(label="bucket", ref=bucket.subject, span=bucket.span),
            Related(label="trail", ref=trail.subject, span=trail.span),
        ),
    )
    document = delivery.policy_document(
        tally,
        bucket.policy,
        unresolved=f"the policy of bucket {bucket.subject} cannot be resolved",
        missing=(
            f"{cannot}: bucket {bucket.subject} has no bucket policy, so trail {trail.subject} may not "
            "s3:GetBucketAcl or s3:PutObject (delivery fails)."
        ),
    )
    prefix = delivery.key_prefix(trail)
    if document is not None and prefix is None:
        tally.unknown(
            f"the S3 key prefix of trail {trail.subject} cannot be resolved: {trail.s3_key_prefix.reason}",
            span=trail.s3_key_prefix.span,
        )
    elif document is not None and prefix is not None:
        delivery.require(
            tally,
            document,
            delivery.bucket_checks(trail, bucket, prefix),
            span=bucket.policy.span,
            denied=lambda check, deny, _: (
                f"{cannot}: {delivery.statement_label(deny)} of the policy of {bucket.subject} denies "
                f"{check.what} to {delivery.CLOUDTRAIL} for trail {trail.subject}."
            ),
            refused=lambda check, _: (
                f"{cannot}: the bucket policy of {bucket.subject} does not allow {check.what} to "
                f"{delivery.CLOUDTRAIL} for trail {trail.subject}."
            ),
        )
    return tally.outcomes()
