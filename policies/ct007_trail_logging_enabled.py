"""CT007: the trail is switched on."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from scanner.analysis.trails import is_logging, sorted_trails
from scanner.model import Model
from scanner.policy import Edit, Fail, NotFixed, Outcome, assign, judge, policy, record_of


def _fix(model: Model, fail: Fail) -> Iterator[Edit | NotFixed]:
    """Logging on."""
    trail = record_of(model.trails, fail.subject)
    if trail is not None:
        yield assign(trail, trail.enable_logging, True)


@policy(
    id="CT007",
    name="trail-logging-enabled",
    severity="CRITICAL",
    controls={"AWS Security Hub": "CloudTrail.3"},
    aliases=("CKV_AWS_251",),
    fix=_fix,
)
def trail_logging_enabled(model: Model) -> Iterable[Outcome]:
    """Trails must have logging turned on

    ## Why is this bad?
    A trail with logging turned off exists, looks configured, and records nothing. Every
    other control on it (encryption, validation, alarms) then protects an empty stream.

    ## How to fix
    Terraform: remove `enable_logging = false` (the default is true) from the `aws_cloudtrail`.
    CloudFormation: set `IsLogging: true` on the `AWS::CloudTrail::Trail` (the property is required).

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StopLogging.html
    """
    for trail in sorted_trails(model.trails):
        attr = trail.enable_logging
        yield judge(
            subject=trail.subject,
            span=attr.span,
            verdict=is_logging(trail),
            unknown=attr.reason,
            fail=f"Trail {trail.subject} has logging turned off ({attr.name} = false): it records no events.",
        )
