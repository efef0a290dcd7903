"""CT104: server access logging on the trail's bucket."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import delivery
from scanner.analysis.trails import listing
from scanner.model import Model
from scanner.policy import Outcome, judge, policy


@policy(
    id="CT104",
    name="bucket-access-logging",
    severity="MEDIUM",
    controls={"CIS AWS Foundations v3.0": "3.4", "AWS Security Hub": "CloudTrail.7"},
    aliases=("AVD-AWS-0163", "aws-cloudtrail-require-bucket-access-logging", "CKV_AWS_18"),
)
def bucket_access_logging(model: Model) -> Iterable[Outcome]:
    """The trail's bucket must have S3 server access logging enabled

    ## Why is this bad?
    CloudTrail records who changed the bucket, but not who read or deleted the log
    objects in it (those are data events, usually not recorded). Server access logging
    on the trail's bucket is the record of every request made to the logs themselves:
    without it, nobody can tell whether an attacker read the audit trail to learn what
    was seen, or removed files from it.

    ## How to fix
    Terraform: add an `aws_s3_bucket_logging` (or an inline `logging` block) with a `target_bucket` other than the trail's bucket.
    CloudFormation: set `LoggingConfiguration: {DestinationBucketName: ...}` on the trail's `AWS::S3::Bucket`.

    ## References
    - https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
    """
    used, unknowns = delivery.used_buckets(model)
    yield from unknowns
    for use in used:
        bucket = use.record
        attr = bucket.logging_target
        trails = listing(use.trails, lambda t: t.subject)
        yield judge(
            subject=bucket.subject,
            span=attr.span,
            verdict=attr.is_set(),
            unknown=f"the logging target of bucket {bucket.subject} cannot be resolved: {attr.reason}",
            fail=(
                f"Bucket {bucket.subject} (logs of {trails}) has no server access logging: "
                "reads and deletions of the trail's logs are not recorded."
            ),
            related=delivery.trail_related(use.trails),
        )
