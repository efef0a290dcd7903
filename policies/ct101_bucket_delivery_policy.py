"""CT101: the trail's bucket policy lets CloudTrail deliver."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import delivery, iam
from scanner.model import Model, Origin
from scanner.policy import Fail, Outcome, Pass, Related, Unknown, policy


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
        name = bucket.name.value if bucket.name.known and bucket.name.value else bucket.ref
        related = (
            Related(label="bucket", ref=bucket.ref, span=bucket.span),
            Related(label="trail", ref=trail.ref, span=trail.span),
        )
        policy_attr = bucket.policy
        if policy_attr.origin is Origin.UNKNOWN:
            yield Unknown(
                subject=trail.ref,
                span=policy_attr.span,
                reason=f"the policy of bucket {bucket.ref} cannot be resolved: {policy_attr.reason}",
                related=related,
            )
            continue
        if policy_attr.value is None:
            yield Fail(
                subject=trail.ref,
                span=policy_attr.span,
                message=(
                    f"CloudTrail cannot deliver to bucket {name}: bucket {bucket.ref} has no "
                    f"bucket policy, so trail {trail.ref} may not s3:GetBucketAcl or "
                    "s3:PutObject (delivery fails)."
                ),
                related=related,
            )
            continue
        prefix = delivery.key_prefix(trail)
        if prefix is None:
            yield Unknown(
                subject=trail.ref,
                span=trail.s3_key_prefix.span,
                reason=f"the S3 key prefix of trail {trail.ref} cannot be resolved: "
                f"{trail.s3_key_prefix.reason}",
                related=related,
            )
            continue
        failed = False
        unknown: list[str] = []
        for check in delivery.bucket_checks(trail, bucket, prefix):
            decision = iam.evaluate(policy_attr.value, check.request)
            if decision.allowed is True:
                continue
            if decision.allowed is None:
                unknown.append(f"{check.what}: {decision.reason}")
                continue
            failed = True
            if decision.deny_statements:
                deny = decision.deny_statements[0]
                yield Fail(
                    subject=trail.ref,
                    span=deny.span,
                    message=(
                        f"CloudTrail cannot deliver to bucket {name}: "
                        f"{delivery.statement_label(deny)} of the policy of {bucket.ref} denies "
                        f"{check.what} to {delivery.CLOUDTRAIL} for trail {trail.ref}."
                    ),
                    related=related,
                )
            else:
                yield Fail(
                    subject=trail.ref,
                    span=policy_attr.span,
                    message=(
                        f"CloudTrail cannot deliver to bucket {name}: the bucket policy of "
                        f"{bucket.ref} does not allow {check.what} to {delivery.CLOUDTRAIL} "
                        f"for trail {trail.ref}."
                    ),
                    related=related,
                )
        if failed:
            continue
        if unknown:
            yield Unknown(
                subject=trail.ref, span=policy_attr.span, reason="; ".join(unknown), related=related
            )
        else:
            yield Pass(subject=trail.ref, span=policy_attr.span)
