"""CT301: retention of the trail's CloudWatch Logs group."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import delivery
from scanner.model import Model, Origin
from scanner.policy import Outcome, judge, policy
from scanner.tri import Tri


@policy(
    id="CT301",
    name="log-group-retention",
    severity="LOW",
    controls={"AWS Security Hub": "CloudWatch.16"},
    aliases=("CKV_AWS_338", "CKV_AWS_66"),
)
def log_group_retention(model: Model) -> Iterable[Outcome]:
    """The trail's log group must keep events at least the minimum retention

    ## Why is this bad?
    The CloudWatch Logs copy of the trail is what metric filters, alarms and Logs Insights
    queries search. A short retention (a default of 7 or 30 days copied from an example)
    silently deletes the events an investigation looks for, long before anyone asks.
    Absent retention means "never expire" and passes; `min_log_group_retention_days`
    (default 365) sets the floor.

    ## How to fix
    Terraform: set `retention_in_days` on the `aws_cloudwatch_log_group` to at least `min_log_group_retention_days` (or remove it: never expire).
    CloudFormation: set `RetentionInDays` on the `AWS::Logs::LogGroup` to at least `min_log_group_retention_days` (or remove it).

    ## References
    - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention
    """
    minimum = model.settings.min_log_group_retention_days
    used, unknowns = delivery.used_log_groups(model)
    yield from unknowns
    for use in used:
        group = use.record
        attr = group.retention_days
        days = attr.as_int()
        verdict: Tri
        if attr.origin is Origin.UNKNOWN:
            verdict, why = None, attr.reason
        elif attr.value is None:
            verdict, why = True, ""  # absent: the group never expires events
        elif days is None:
            verdict, why = None, f"{attr.value!r} is not a number of days"
        else:
            verdict, why = days == 0 or days >= minimum, ""  # 0: never expire
        yield judge(
            subject=group.subject,
            span=attr.span,
            verdict=verdict,
            unknown=f"retention of log group {group.subject} cannot be resolved: {why}",
            fail=(
                f"Log group {group.subject} keeps the trail's events {attr.value} days, less "
                f"than the required {minimum}."
            ),
            related=delivery.trail_related(use.trails),
        )

