"""CT405: cloudTrail configuration changes must be monitored with an alarm."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import cloudtrail_events
from scanner.analysis.monitoring import monitor
from scanner.model import Model
from scanner.policy import Outcome, policy

# What this item watches: the title its messages use, and the CloudTrail events (sample
# records) an alarm or EventBridge rule must match.
TITLE = "CloudTrail configuration changes"
EVENTS = cloudtrail_events.calls(cloudtrail_events.CLOUDTRAIL_EVENTS)


@policy(
    id="CT405",
    name="monitor-cloudtrail-changes",
    severity="MEDIUM",
    controls={"CIS AWS Foundations v3.0": "4.5", "AWS Security Hub": "CloudWatch.5"},
    aliases=("AVD-AWS-0151",),
)
def monitor_cloudtrail_changes(model: Model) -> Iterable[Outcome]:
    """CloudTrail configuration changes must be monitored with an alarm

    ## Why is this bad?
    Stopping, deleting or reconfiguring a trail is how an attacker blinds the account
    before acting. An alarm on `StopLogging`, `DeleteTrail`, `UpdateTrail`, `CreateTrail`
    and `StartLogging` is the last signal sent before the logs go quiet.

    ## How to fix
    Terraform: on the trail's log group add an `aws_cloudwatch_log_metric_filter` with pattern `{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }` and an `aws_cloudwatch_metric_alarm` on its metric whose `alarm_actions` notify an SNS topic with a subscription (or an `aws_cloudwatch_event_rule` matching the events, with an `aws_cloudwatch_event_target`).
    CloudFormation: add an `AWS::Logs::MetricFilter` on the trail's log group with `FilterPattern: '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }'` and an `AWS::CloudWatch::Alarm` on its metric with `AlarmActions` (or an `AWS::Events::Rule` with `Targets`).

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html
    """
    return monitor(model, EVENTS, TITLE)
