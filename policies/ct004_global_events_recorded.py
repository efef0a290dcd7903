"""CT004: some logging trail delivers global service events (IAM, STS, CloudFront)."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis.trails import (
    attr_name,
    describe,
    global_events_unknown_reason,
    is_logging,
    k_or,
    records_global_events,
    records_management_events,
    sorted_trails,
)
from scanner.model import Attr, Model, Trail
from scanner.policy import Fail, Outcome, Pass, Related, Unknown, policy


def _offence(trail: Trail) -> tuple[Attr[object], str]:
    """The attribute that stops this trail from recording global events, and why."""
    glob = trail.include_global_service_events
    if glob.is_false():
        return glob, describe(glob, attr_name(trail, "include_global_service_events"))
    if is_logging(trail) is False:
        return trail.enable_logging, "not logging"
    if k_or(*records_management_events(trail)) is False:
        attr = trail.advanced_event_selectors
        field = "advanced_event_selectors"
        if not (attr.known and attr.value):
            attr, field = trail.event_selectors, "event_selectors"
        return attr, f"records no management events ({attr_name(trail, field)})"
    return glob, "unresolved"


@policy(
    id="CT004",
    name="global-events-recorded",
    severity="HIGH",
    controls={},
    aliases=(),
)
def global_events_recorded(model: Model) -> Iterable[Outcome]:
    """A logging trail must record global service events

    ## Why is this bad?
    IAM, STS and CloudFront are global services: their API calls (creating users,
    attaching policies, assuming roles) are delivered only to trails that include global
    service events. When no logging trail that records management events includes them,
    privilege changes and credential use leave no record at all. A trail that only records
    data events does not deliver them either. Judged over the whole account.

    ## How to fix
    Terraform: remove `include_global_service_events = false` (default true) from the account's main `aws_cloudtrail`.
    CloudFormation: set `IncludeGlobalServiceEvents: true` on the account's main `AWS::CloudTrail::Trail`.

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events
    """
    trails = sorted_trails(model.trails)
    if not trails:
        return
    subject = f"account:{model.account}"
    verdicts = [(t, records_global_events(t)) for t in trails]
    good = [t for t, v in verdicts if v is True]
    if good:
        yield Pass(subject=subject, span=good[0].include_global_service_events.span)
        return
    related = tuple(Related(label="trail", ref=t.ref, span=t.span) for t in trails)
    undecided = [t for t, v in verdicts if v is None]
    if undecided:
        yield Unknown(
            subject=subject,
            span=undecided[0].span,
            reason="whether a logging trail records global service events cannot be resolved: "
            + "; ".join(f"{t.ref} ({global_events_unknown_reason(t)})" for t in undecided),
            related=related,
        )
        return
    offences = [(t, *_offence(t)) for t in trails]
    listing = "; ".join(f"{t.ref} ({why})" for t, _, why in offences)
    yield Fail(
        subject=subject,
        span=offences[0][1].span,
        message=(
            f"No logging trail of account {model.account!r} records global service events "
            f"(IAM, STS, CloudFront): {listing}."
        ),
        related=related,
    )
