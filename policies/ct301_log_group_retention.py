"""CT301: retention of the trail's CloudWatch Logs group."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from scanner.analysis import delivery
from scanner.model import Model, Origin
from scanner.policy import Edit, Fail, NotFixed, Outcome, assign, judge, policy, record_of
from scanner.tri import Tri

# The retention periods CloudWatch Logs accepts (PutRetentionPolicy), in days.
RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                  2192, 2557, 2922, 3288, 3653)


def _fix(model: Model, fail: Fail) -> Iterator[Edit | NotFixed]:
    """The written retention becomes the shortest period CloudWatch Logs accepts that is at
    least ``min_log_group_retention_days``."""
    group = record_of(model.log_groups, fail.subject)
    if group is None:
        return
    minimum = model.settings.min_log_group_retention_days
    days = next((d for d in RETENTION_DAYS if d >= minimum), None)
    if days is None:
        yield NotFixed(f"CloudWatch Logs keeps events at most {RETENTION_DAYS[-1]} days or forever")
        return
    yield assign(group, group.retention_days, days)


@policy(
    id="CT301",
    name="log-group-retention",
    severity="LOW",
    controls={"AWS Security Hub": "CloudWatch.16"},
    aliases=("CKV_AWS_338", "CKV_AWS_66"),
    fix=_fix,
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

