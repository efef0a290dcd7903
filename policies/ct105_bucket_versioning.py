"""CT105: versioning or object lock protects delivered logs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from scanner.analysis import delivery
from scanner.model import Model, Origin
from scanner.policy import Edit, Fail, NotFixed, Outcome, assign, judge, policy, record_of
from scanner.tri import Tri, any_of


def _fix(model: Model, fail: Fail) -> Iterator[Edit | NotFixed]:
    """Versioning enabled: where it is written (the inline block, the split resource, the
    template's VersioningConfiguration), or a new ``aws_s3_bucket_versioning``."""
    bucket = record_of(model.buckets, fail.subject)
    if bucket is not None:
        yield assign(bucket, bucket.versioning, "Enabled")


@policy(
    id="CT105",
    name="bucket-versioning",
    severity="LOW",
    controls={},
    aliases=("CKV_AWS_21", "CKV_AWS_143", "AVD-AWS-0090", "aws-s3-enable-versioning"),
    fix=_fix,
)
def bucket_versioning(model: Model) -> Iterable[Outcome]:
    """The trail's bucket must use versioning or object lock

    ## Why is this bad?
    Without versioning, a log file that is overwritten or deleted is gone: anyone who can
    write to the bucket can erase the record of what they did. Versioning keeps every
    earlier version (log file validation then shows what changed), and object lock
    prevents deletion outright for the retention period.

    ## How to fix
    Terraform: add an `aws_s3_bucket_versioning` with `status = "Enabled"` (or enable object lock with `object_lock_enabled = true`).
    CloudFormation: set `VersioningConfiguration: {Status: Enabled}` (or `ObjectLockEnabled: true`) on the trail's `AWS::S3::Bucket`.

    ## References
    - https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
    - https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
    """
    used, unknowns = delivery.used_buckets(model)
    yield from unknowns
    for use in used:
        bucket = use.record
        versioning, lock = bucket.versioning, bucket.object_lock
        versioned: Tri = None
        if versioning.origin is not Origin.UNKNOWN:
            versioned = str(versioning.value or "").lower() == "enabled"
        reasons = "; ".join(a.reason for a in (versioning, lock) if a.origin is Origin.UNKNOWN and a.reason)
        yield judge(
            subject=bucket.subject,
            span=versioning.span,
            verdict=any_of((versioned, lock.truth())),
            unknown=f"versioning / object lock of bucket {bucket.subject} cannot be resolved: {reasons}",
            fail=(
                f"Bucket {bucket.subject} has versioning {versioning.value or 'Disabled'} and no object "
                "lock: trail logs can be overwritten or deleted without a trace."
            ),
            related=delivery.trail_related(use.trails),
        )
