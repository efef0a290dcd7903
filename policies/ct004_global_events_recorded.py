"""CT004: some logging trail delivers global service events (IAM, STS, CloudFront)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

from scanner.analysis.trails import (
    Recorder,
    account_trails,
    describe,
    global_events_unknown_reason,
    is_logging,
    is_multi_region,
    listing,
    logging_attr,
    records_global_events,
    records_management_events,
    sorted_trails,
)
from scanner.model import Attr, Model, Trail
from scanner.policy import Edit, Fail, NotFixed, Outcome, Related, assign, judge, policy
from scanner.tri import any_of


def _offence(trail: Recorder) -> tuple[Attr[Any], str]:
    """The attribute that stops this trail (or event data store) from recording global
    events, and why."""
    if isinstance(trail, Trail) and trail.include_global_service_events.is_false():
        glob = trail.include_global_service_events
        return glob, describe(glob)
    if is_logging(trail) is False:
        return logging_attr(trail), "not logging"
    if any_of(records_management_events(trail)) is False:
        selectors: Attr[Any] = trail.advanced_event_selectors
        if isinstance(trail, Trail) and not (selectors.known and selectors.value):
            selectors = trail.event_selectors
        return selectors, f"records no management events ({selectors.name})"
    return _switch(trail), "unresolved"


def _switch(trail: Recorder) -> Attr[Any]:
    """Where a verdict about global events points: the trail's switch, the store's Regions."""
    return trail.include_global_service_events if isinstance(trail, Trail) else trail.is_multi_region


def _fix(model: Model, fail: Fail) -> Iterator[Edit | NotFixed]:
    """Global service events on the trail that should carry them: the account's only
    multi-region logging trail that records management events (a trail declared in the
    configuration counts, and is not edited). With none, or several, which trail should
    carry them is a decision the fix does not make."""
    main = [
        t for t in account_trails(model)
        if is_multi_region(t) is True and is_logging(t) is True
        and any_of(records_management_events(t)) is True
    ]
    if len(main) == 1 and any(main[0] is t for t in model.external_trails):
        yield NotFixed(
            f"the account's only multi-region logging trail, {main[0].subject}, is declared in the "
            "configuration (external_trails), not written in the scanned code"
        )
        return
    if len(main) != 1:
        yield NotFixed(
            "no multi-region logging trail records management events, so none is the trail that "
            "should carry global service events" if not main else
            f"{len(main)} multi-region logging trails record management events: which one should "
            "carry global service events is the author's choice"
        )
        return
    yield assign(main[0], main[0].include_global_service_events, True)


@policy(
    id="CT004",
    name="global-events-recorded",
    severity="HIGH",
    controls={},
    aliases=(),
    fix=_fix,
)
def global_events_recorded(model: Model) -> Iterable[Outcome]:
    """A logging trail must record global service events

    ## Why is this bad?
    IAM, STS and CloudFront are global services: their API calls (creating users,
    attaching policies, assuming roles) are delivered only to trails that include global
    service events. When no logging trail that records management events includes them,
    privilege changes and credential use leave no record at all. A trail that only records
    data events does not deliver them either. Judged over the whole account. A CloudTrail
    Lake event data store that ingests management events from all Regions records them too
    (CloudTrail records global service events as events of us-east-1); a single-Region
    store does only in us-east-1, which the code does not say, so it leaves the verdict
    unknown rather than passing it. A trail declared in the configuration
    (`external_trails`) counts with the properties declared there.

    ## How to fix
    Terraform: remove `include_global_service_events = false` (default true) from the account's main `aws_cloudtrail`.
    CloudFormation: set `IncludeGlobalServiceEvents: true` on the account's main `AWS::CloudTrail::Trail`.

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events
    """
    trails: list[Recorder] = [*account_trails(model), *sorted_trails(model.event_data_stores)]
    if not trails:
        return
    verdicts = [(t, records_global_events(t)) for t in trails]
    verdict = any_of(v for _, v in verdicts)
    # The trail that decides: the first that records them, else the first undecided, else the first.
    deciding = next(t for t, v in verdicts if v is verdict)
    if verdict is True:
        span = _switch(deciding).span
    elif verdict is None:
        span = deciding.span
    else:
        span = _offence(deciding)[0].span
    yield judge(
        subject=f"account:{model.account}",
        span=span,
        verdict=verdict,
        unknown=partial(_undecided, [t for t, v in verdicts if v is None]),
        fail=partial(_unrecorded, model.account, trails),
        related=tuple(
            Related(label="trail" if isinstance(t, Trail) else "event data store", ref=t.subject, span=t.span)
            for t in trails
        ),
    )


def _undecided(trails: list[Recorder]) -> str:
    return "whether a logging trail records global service events cannot be resolved: " + listing(
        trails, lambda t: f"{t.subject} ({global_events_unknown_reason(t)})", "; "
    )


def _unrecorded(account: str, trails: list[Recorder]) -> str:
    shown = listing(trails, lambda t: f"{t.subject} ({_offence(t)[1]})", "; ")
    return (
        f"No logging {_what(trails)} of account {account!r} records global service events "
        f"(IAM, STS, CloudFront): {shown}."
    )


def _what(trails: list[Recorder]) -> str:
    return "trail" if all(isinstance(t, Trail) for t in trails) else "trail or event data store"
