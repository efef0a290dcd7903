"""CT102: the trail's bucket archives or expires logs, and keeps them long enough."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import delivery, iam
from scanner.model import Bucket, LifecycleRule, Model, Origin, Trail
from scanner.policy import Outcome, Tally, policy
from scanner.tri import Tri, all_of, any_of

ARCHIVE_CLASSES = frozenset({"GLACIER", "DEEP_ARCHIVE", "GLACIER_IR"})


def _covers(rule: LifecycleRule, log_path: str) -> Tri:
    """Whether the rule applies to objects under ``log_path`` ("" = unknown path)."""
    if rule.maybe or rule.narrowed:
        return None  # a dynamic rule, or tag/size filters: cannot tell statically
    if rule.prefix.origin is Origin.UNKNOWN:
        return None
    prefix = str(rule.prefix.value or "")
    if not prefix:
        return True
    if not log_path:
        return None
    if log_path.startswith(prefix):
        return True
    # A narrower rule prefix still covers this account's logs when it is a prefix of
    # ``<prefix>AWSLogs/<account>/``; tokens may make that undecidable.
    if "*" in prefix or "?" in prefix:
        return None  # literal in S3, a wildcard to the matcher
    return iam.match_value(prefix + "*", log_path + "object", case_sensitive=True)


def _acts(rule: LifecycleRule) -> Tri:
    archives = any(t.storage_class.upper() in ARCHIVE_CLASSES for t in rule.transitions)
    if archives:
        return True
    expiry = rule.expiration_days
    if expiry.origin is Origin.UNKNOWN:
        return None
    if expiry.value is None:
        return False
    # A value that is not a number of days cannot be judged: unknown, not "expires".
    return True if expiry.as_int() is not None else None


@policy(
    id="CT102",
    name="bucket-lifecycle",
    severity="MEDIUM",
    controls={},
    aliases=("CKV2_AWS_61",),
)
def bucket_lifecycle(model: Model) -> Iterable[Outcome]:
    """The trail's bucket must archive or expire logs, never too early

    ## Why is this bad?
    Trail logs accumulate forever in S3 Standard unless a lifecycle rule moves them to an
    archive class or expires them, so storage cost grows without bound and teams end up
    deleting logs by hand. The opposite mistake is worse: a rule that expires the log
    prefix after a few days destroys the evidence an investigation needs (most standards
    ask for one year or more; `min_retention_days`, default 365).

    ## How to fix
    Terraform: add an `aws_s3_bucket_lifecycle_configuration` rule (status `Enabled`, no filter or a prefix covering `AWSLogs/`) with a `transition` to `GLACIER`/`DEEP_ARCHIVE` and/or an `expiration` of at least `min_retention_days`.
    CloudFormation: add a `LifecycleConfiguration` rule (`Status: Enabled`) with `Transitions` to `GLACIER`/`DEEP_ARCHIVE` and/or `ExpirationInDays` of at least `min_retention_days`.

    ## References
    - https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html
    """
    minimum = model.settings.min_retention_days
    used, unknowns = delivery.used_buckets(model)
    yield from unknowns
    for use in used:
        yield from _check_bucket(use.record, use.trails, minimum)


def _log_paths(trails: tuple[Trail, ...]) -> list[str]:
    """Where the trails write in the bucket (``<prefix>AWSLogs/<account>/``; "" when the
    prefix cannot be resolved), each once."""
    paths: list[str] = []
    for trail in trails:
        prefix = delivery.key_prefix(trail)
        path = "" if prefix is None else f"{prefix}AWSLogs/{delivery.ACCOUNT_ID}/"
        if path not in paths:
            paths.append(path)
    return paths


def _check_bucket(bucket: Bucket, trails: tuple[Trail, ...], minimum: int) -> list[Outcome]:
    rules_attr = bucket.lifecycle_rules
    tally = Tally(subject=bucket.subject, span=rules_attr.span, related=delivery.trail_related(trails))
    if rules_attr.origin is Origin.UNKNOWN:
        tally.unknown(
            f"the lifecycle rules of bucket {bucket.subject} cannot be resolved: {rules_attr.reason}"
        )
        return tally.outcomes()
    rules = tuple(rules_attr.value or ())
    undecided: list[str] = []
    short_seen: set[int] = set()
    for path in _log_paths(trails):
        contributions: list[Tri] = []
        for index, rule in enumerate(rules):
            applies = all_of((rule.enabled.truth(), _covers(rule, path)))
            if applies is False:
                continue
            expiry = rule.expiration_days
            days = expiry.as_int()
            if applies is True and days is not None and days < minimum and index not in short_seen:
                short_seen.add(index)
                label = f"rule {rule.id!r}" if rule.id else "a lifecycle rule"
                tally.fail(
                    f"Bucket {bucket.subject} expires trail logs after {days} days ({label}), less "
                    f"than the required {minimum} days.",
                    span=expiry.span,
                )
            contributions.append(all_of((applies, _acts(rule))))
        where = path.replace(f"{delivery.ACCOUNT_ID}/", "") or "AWSLogs/ (under an unresolved prefix)"
        acting = any_of(contributions)
        if acting is False:
            tally.fail(
                f"Bucket {bucket.subject} has no enabled lifecycle rule covering {where} that "
                "archives (GLACIER, DEEP_ARCHIVE, GLACIER_IR) or expires trail logs."
            )
        elif acting is None:
            undecided.append(f"whether a lifecycle rule of bucket {bucket.subject} covers {where}")
    if undecided:
        tally.unknown("cannot tell " + "; ".join(undecided))
    return tally.outcomes()
