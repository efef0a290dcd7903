"""CT002: the account has one trail that records every management event everywhere."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from scanner.analysis.trails import (
    Recorder,
    account_trails,
    is_logging,
    is_multi_region,
    listing,
    logging_attr,
    management_coverage,
    records_all_management_events,
    sorted_trails,
)
from scanner.model import Model, Trail
from scanner.policy import Outcome, Related, judge, policy
from scanner.tri import all_of, any_of


def _shortfalls(trail: Recorder) -> tuple[list[str], list[str]]:
    """(why the trail falls short, what cannot be told) for a readable account message."""
    short: list[str] = []
    unknown: list[str] = []
    multi = is_multi_region(trail)
    if multi is False:
        short.append("single-region")
    elif multi is None:
        unknown.append(f"{trail.is_multi_region.name} unresolved")
    logging = is_logging(trail)
    if logging is False:
        short.append("not logging")
    elif logging is None:
        unknown.append(f"{logging_attr(trail).name} unresolved")
    cov = management_coverage(trail)
    complete = all_of((cov.read_all, cov.write_all))
    if cov.read is False and cov.write is False:
        short.append("records no management events")
    elif cov.read is False:
        short.append("records only write management events")
    elif cov.write is False:
        short.append("records only read management events")
    elif cov.excluded and complete is False:
        short.append("excludes management events from " + ", ".join(cov.excluded))
    elif complete is False:
        short.append("records management events of some event sources only")
    if complete is None:
        unknown.append(cov.reason or "event selectors unresolved")
    return short, unknown


@policy(
    id="CT002",
    name="account-trail-coverage",
    severity="HIGH",
    controls={"CIS AWS Foundations v3.0": "3.1", "AWS Security Hub": "CloudTrail.1"},
    aliases=(),
)
def account_trail_coverage(model: Model) -> Iterable[Outcome]:
    """One trail must record all read and write management events everywhere

    ## Why is this bad?
    Trails exist, but none of them is multi-region, logging, and recording every read and
    write management event from every event source. Each trail may look fine on its own
    (a data-events trail, a regional trail, a write-only trail), yet together they leave
    regions, read calls (reconnaissance such as `ListBuckets`, `GetSecretValue`) or whole
    services (excluded KMS events) unrecorded. This is judged over the whole account. A
    CloudTrail Lake event data store that ingests every management event from all Regions
    counts too (it records the same events, queryable instead of delivered as files), and
    so does a trail declared in the configuration (`external_trails`: an organisation
    trail of the management account), with the properties declared there.

    ## How to fix
    Terraform: on one `aws_cloudtrail` set `is_multi_region_trail = true`, keep logging on, and drop `event_selector` blocks that narrow management events (or use `read_write_type = "All"`, `include_management_events = true`, no `exclude_management_event_sources`).
    CloudFormation: on one `AWS::CloudTrail::Trail` set `IsMultiRegionTrail: true`, `IsLogging: true` and leave `EventSelectors` out or use `ReadWriteType: All`, `IncludeManagementEvents: true`.

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html
    - https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-1
    """
    trails: list[Recorder] = [*account_trails(model), *sorted_trails(model.event_data_stores)]
    if not trails:
        return  # CT003 decides whether an account without trails is acceptable
    verdicts = [
        (t, all_of((is_multi_region(t), is_logging(t), records_all_management_events(t)))) for t in trails
    ]
    verdict = any_of(v for _, v in verdicts)
    # The trail that decides: the first good one, else the first undecided, else the first.
    deciding = next(t for t, v in verdicts if v is verdict)
    yield judge(
        subject=f"account:{model.account}",
        span=deciding.span,
        verdict=verdict,
        unknown=partial(_undecided, [t for t, v in verdicts if v is None]),
        fail=partial(_incomplete, model.account, trails, bool(model.event_data_stores)),
        related=tuple(Related(label=_label(t), ref=t.subject, span=t.span) for t in trails),
    )


def _label(recorder: Recorder) -> str:
    return "trail" if isinstance(recorder, Trail) else "event data store"


def _undecided(trails: list[Recorder]) -> str:
    reasons = listing(trails, lambda t: f"{t.subject}: {', '.join(_shortfalls(t)[1]) or 'unresolved'}", "; ")
    return f"whether a trail records every management event in all regions: {reasons}"


def _incomplete(account: str, trails: list[Recorder], stores: bool) -> str:
    shown = listing(trails, lambda t: f"{t.subject} ({', '.join(_shortfalls(t)[0])})", "; ")
    what = "trail or event data store" if stores else "trail"
    return (
        f"No {what} of account {account!r} is multi-region, logging and records all read "
        f"and write management events: {shown}."
    )
