"""CT005: exactly one trail delivers global service events (no duplicates)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from scanner.analysis.trails import (
    MAX_NAMED,
    global_events_unknown_reason,
    is_multi_region,
    listing,
    records_global_events,
    sorted_trails,
)
from scanner.model import Model, Trail
from scanner.policy import Outcome, Related, judge, policy
from scanner.tri import Tri


def _keeper(trails: list[Trail]) -> Trail:
    """The trail that keeps global events: the first multi-region one, else the first.

    A multi-region trail cannot drop global service events (CloudTrail rejects it with
    InvalidParameterCombinationException), so it is the natural one to keep.
    """
    multi = [t for t in trails if is_multi_region(t) is True]
    return (multi or trails)[0]


@policy(
    id="CT005",
    name="global-events-once",
    severity="MEDIUM",
    controls={},
    aliases=(),
)
def global_events_once(model: Model) -> Iterable[Outcome]:
    """Only one trail should record global service events

    ## Why is this bad?
    Every logging trail that includes global service events delivers its own copy of each
    IAM, STS and CloudFront event. Two such trails double the events that alarms and
    SIEM rules count, inflate the bill, and make "how many times did this happen" wrong.
    The default is to include them, so two plain trails in one account are already
    duplicates. One trail is kept (the first multi-region one by address, else the first
    by address); every other one is reported, and each message lists all of them.
    Trails that only record data events deliver no global events and do not count. A
    trail declared in the configuration (`external_trails`, an organisation trail) counts
    and is the one kept: the trails of the scanned code that duplicate it are reported.

    ## How to fix
    Terraform: set `include_global_service_events = false` on every single-region `aws_cloudtrail` except the one that should deliver IAM/STS events (a multi-region trail must keep them: make extra multi-region trails record data events only, or merge them).
    CloudFormation: set `IncludeGlobalServiceEvents: false` on the other single-region `AWS::CloudTrail::Trail` resources.

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events
    """
    trails = sorted_trails(model.trails)
    verdicts = [(t, records_global_events(t)) for t in trails]
    external = [(t, records_global_events(t)) for t in sorted_trails(model.external_trails)]
    outside = [t for t, v in external if v is True]
    recording = [*outside, *(t for t, v in verdicts if v is True)]
    undecided = [*(t for t, v in external if v is None), *(t for t, v in verdicts if v is None)]
    # A declared trail that records them already exists: it is the one kept.
    keeper = _keeper(outside) if outside else (_keeper(recording) if recording else None)
    # Named once, at most a few: every message stays short however many trails there are.
    names = listing([t.subject for t in recording])
    shown = _shown(recording, keeper)
    for trail, records in verdicts:
        # Not a duplicate: records none, is the keeper, or (undecided) nothing to duplicate.
        alone: Tri
        if records is None:
            alone = None if len(recording) + len(undecided) > 1 else True
        else:
            alone = records is False or trail is keeper
        # A duplicate points at (a few of) the trails it duplicates, never at itself.
        others = [t for t in shown if t is not trail][:MAX_NAMED] if alone is False else []
        yield judge(
            subject=trail.subject,
            span=trail.include_global_service_events.span,
            verdict=alone,
            unknown=partial(_undecided, trail, names),
            fail=partial(_duplicate, trail, keeper, len(recording), names),
            related=tuple(Related(label="trail", ref=t.subject, span=t.span) for t in others),
        )


def _shown(recording: list[Trail], keeper: Trail | None) -> list[Trail]:
    """The recording trails a duplicate points at: the first few, the keeper among them."""
    first = recording[: MAX_NAMED + 1]
    if keeper is not None and keeper not in first:
        first = [keeper, *first[:MAX_NAMED]]
    return first


def _undecided(trail: Trail, names: str) -> str:
    return (
        "whether this trail records global service events cannot be resolved ("
        + global_events_unknown_reason(trail)
        + "); it would duplicate "
        + (names or "another trail's events")
    )


def _duplicate(trail: Trail, keeper: Trail | None, count: int, names: str) -> str:
    if is_multi_region(trail) is True:
        fix = "a multi-region trail must include them, so make it record data events only or merge it"
    else:
        fix = f"set {trail.include_global_service_events.name} = false on it"
    return (
        f"Trail {trail.subject} duplicates the global service events (IAM, STS, CloudFront) "
        f"already delivered by {keeper.subject if keeper else ''}: {count} logging trails record them "
        f"({names}); {fix}."
    )
