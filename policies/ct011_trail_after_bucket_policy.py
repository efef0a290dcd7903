"""CT011: a trail deployed with its bucket policy waits for that policy."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis.links import LinkStatus, bucket_of, records_by_key
from scanner.analysis.trails import sorted_trails
from scanner.model import Model, Origin, Record
from scanner.policy import Outcome, Related, Unknown, judge, policy


def _covers(dependency: str, target: str) -> bool:
    """Depending on ``module.logs`` or ``aws_x.y`` covers ``module.logs.aws_x.y[0]``."""
    return target == dependency or target.startswith((dependency + ".", dependency + "["))


def depends_on(model: Model, record: Record, target: str) -> bool:
    """Does ``record`` depend on ``target``, directly or through records of its unit?"""
    by_key = records_by_key(model)
    seen: set[str] = set()
    todo = list(record.depends_on)
    while todo:
        ref = todo.pop()
        if ref in seen:
            continue
        seen.add(ref)
        if _covers(ref, target):
            return True
        other = by_key.get((record.unit, ref))
        if other is not None:
            todo.extend(other.depends_on)
    return False


@policy(
    id="CT011",
    name="trail-after-bucket-policy",
    severity="MEDIUM",
    controls={},
    aliases=(),
)
def trail_after_bucket_policy(model: Model) -> Iterable[Outcome]:
    """Trails must be created after the policy of their bucket

    ## Why is this bad?
    CloudTrail checks the bucket policy when the trail is created. When the trail and the
    bucket policy are deployed together and nothing orders them, Terraform and
    CloudFormation create both in parallel; if the trail comes first, creation fails with
    `InsufficientS3BucketPolicyException` and the first deploy of the stack breaks (later
    retries may pass, which hides the bug until the next fresh account). A reference to
    the bucket alone is not enough when the policy is a separate resource.

    ## How to fix
    Terraform: add `depends_on = [aws_s3_bucket_policy.x]` to the `aws_cloudtrail` (an inline `policy` on the referenced `aws_s3_bucket` is already ordered).
    CloudFormation: add `DependsOn: <BucketPolicy logical id>` to the `AWS::CloudTrail::Trail`.

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
    - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html
    """
    for trail in sorted_trails(model.trails):
        link = bucket_of(model, trail)
        if link.status is LinkStatus.UNKNOWN:
            yield Unknown(
                subject=trail.subject,
                span=trail.s3_bucket_name.span,
                reason=f"the trail's bucket cannot be resolved: {link.reason}",
            )
            continue
        bucket = link.record
        if bucket is None or bucket.unit != trail.unit:
            continue  # bucket outside this unit: deployed separately, nothing to order here
        if bucket.policy.origin is Origin.DEFAULT and bucket.policy.value is None:
            continue  # no policy at all: CT101 reports that delivery cannot work
        policy_ref = bucket.policy_ref
        yield judge(
            subject=trail.subject,
            span=trail.span,
            verdict=depends_on(model, trail, policy_ref) if policy_ref else None,
            unknown=f"which resource holds the policy of bucket {bucket.subject} is not known",
            fail=(
                f"Trail {trail.subject} does not depend on {policy_ref}, the policy of its bucket "
                f"{bucket.subject} in the same unit: on the first deploy the trail can be created "
                "before the policy and fail with InsufficientS3BucketPolicyException."
            ),
            related=(
                Related(label="bucket", ref=bucket.subject, span=bucket.span),
                Related(label="bucket policy", ref=policy_ref or bucket.subject, span=bucket.policy.span),
            ),
        )
