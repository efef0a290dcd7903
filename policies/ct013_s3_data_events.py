"""CT013: some trail records S3 object-level read and write events."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis.trails import (
    Recorder,
    account_trails,
    is_logging,
    listing,
    s3_data_coverage,
    sorted_trails,
)
from scanner.model import Model, Trail
from scanner.policy import Outcome, Related, judge, policy
from scanner.tri import all_of, any_of


def _what(trail: Recorder) -> str:
    cov = s3_data_coverage(trail)
    logging = is_logging(trail)
    parts = []
    if logging is False:
        parts.append("not logging")
    if cov.read is True and cov.write is True:
        parts.append("all buckets, read and write")
    elif cov.read is True:
        parts.append("all buckets, read only")
    elif cov.write is True:
        parts.append("all buckets, write only")
    if cov.partial:
        parts.append("only " + ", ".join(cov.partial))
    if cov.read is None or cov.write is None:
        parts.append(cov.reason or "unresolved")
    return ", ".join(parts) or "no S3 data events"


@policy(
    id="CT013",
    name="s3-data-events",
    severity="LOW",
    controls={"CIS AWS Foundations v3.0": "3.8, 3.9"},
    aliases=(
        "AVD-AWS-0171", "AVD-AWS-0172", "aws-s3-enable-object-write-logging",
        "aws-s3-enable-object-read-logging",
    ),
)
def s3_data_events(model: Model) -> Iterable[Outcome]:
    """A trail should record S3 object-level read and write events

    ## Why is this bad?
    Management events show who changed a bucket, not who read or wrote its objects. When
    data is exfiltrated or overwritten (`GetObject`, `PutObject`, `DeleteObject`) only
    object-level data events tell which principal did it and from where. A trail that
    records them for a list of buckets only does not count: a bucket created tomorrow
    would not be covered. Read and write events may come from different trails. Judged
    over the whole account. A CloudTrail Lake event data store that ingests S3 object-level
    events of every bucket counts too, and so does a trail declared in the configuration
    (`external_trails`) that says `s3_data_events = "all"`.

    ## How to fix
    Terraform: add `event_selector { read_write_type = "All" data_resource { type = "AWS::S3::Object" values = ["arn:aws:s3"] } }` to a logging `aws_cloudtrail` (or an `advanced_event_selector` with `eventCategory = Data` and `resources.type = AWS::S3::Object`).
    CloudFormation: add `EventSelectors: [{ReadWriteType: All, DataResources: [{Type: AWS::S3::Object, Values: ["arn:aws:s3"]}]}]` to a logging `AWS::CloudTrail::Trail`.

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html
    """
    trails: list[Recorder] = [*account_trails(model), *sorted_trails(model.event_data_stores)]
    if not trails:
        return
    covs = [(t, s3_data_coverage(t), is_logging(t)) for t in trails]
    read = any_of(all_of((cov.read, logging)) for _, cov, logging in covs)
    write = any_of(all_of((cov.write, logging)) for _, cov, logging in covs)
    verdict = all_of((read, write))
    if verdict is True:
        span = next(t for t, cov, lg in covs if all_of((cov.read, lg)) or all_of((cov.write, lg))).span
    else:
        span = trails[0].span
    missing = " and ".join(d for d, v in (("read", read), ("write", write)) if v is False)
    yield judge(
        subject=f"account:{model.account}",
        span=span,
        verdict=verdict,
        unknown=lambda: "whether a trail records S3 object-level events cannot be resolved: " + _listing(trails),
        fail=lambda: (
            f"No logging {_kind(trails)} of account {model.account!r} records S3 object-level {missing} "
            f"events for all buckets: {_listing(trails)}."
        ),
        related=tuple(
            Related(label="trail" if isinstance(t, Trail) else "event data store", ref=t.subject, span=t.span)
            for t in trails
        ),
    )


def _kind(trails: list[Recorder]) -> str:
    return "trail" if all(isinstance(t, Trail) for t in trails) else "trail or event data store"


def _listing(trails: list[Recorder]) -> str:
    return listing(trails, lambda t: f"{t.subject} ({_what(t)})", "; ")
