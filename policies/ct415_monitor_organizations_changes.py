"""CT415: aWS Organizations changes must be monitored with an alarm."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import cloudtrail_events
from scanner.analysis.monitoring import monitor
from scanner.model import Model
from scanner.policy import Outcome, policy

# What this item watches: the title its messages use, and the CloudTrail events (sample
# records) an alarm or EventBridge rule must match.
TITLE = "AWS Organizations changes"
EVENTS = cloudtrail_events.calls(cloudtrail_events.ORGANIZATIONS_EVENTS)


@policy(
    id="CT415",
    name="monitor-organizations-changes",
    severity="MEDIUM",
    controls={"CIS AWS Foundations v3.0": "4.15"},
    aliases=("AVD-AWS-0174",),
)
def monitor_organizations_changes(model: Model) -> Iterable[Outcome]:
    """AWS Organizations changes must be monitored with an alarm

    ## Why is this bad?
    Organizations changes (new accounts, moved accounts, changed service control
    policies, a member leaving) alter the guard rails of every account at once. In the
    management account they must raise an alarm.

    ## How to fix
    Terraform: on the trail's log group add an `aws_cloudwatch_log_metric_filter` with pattern `{ ($.eventSource = organizations.amazonaws.com) }` and an `aws_cloudwatch_metric_alarm` on its metric whose `alarm_actions` notify an SNS topic with a subscription (or an `aws_cloudwatch_event_rule` matching the events, with an `aws_cloudwatch_event_target`).
    CloudFormation: add an `AWS::Logs::MetricFilter` on the trail's log group with `FilterPattern: '{ ($.eventSource = organizations.amazonaws.com) }'` and an `AWS::CloudWatch::Alarm` on its metric with `AlarmActions` (or an `AWS::Events::Rule` with `Targets`).

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html
    """
    return monitor(model, EVENTS, TITLE)
