"""CT409: aWS Config configuration changes must be monitored with an alarm."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import cloudtrail_events
from scanner.analysis.monitoring import monitor
from scanner.model import Model
from scanner.policy import Outcome, policy

# What this item watches: the title its messages use, and the CloudTrail events (sample
# records) an alarm or EventBridge rule must match.
TITLE = "AWS Config configuration changes"
EVENTS = cloudtrail_events.calls(cloudtrail_events.CONFIG_EVENTS)


@policy(
    id="CT409",
    name="monitor-config-changes",
    severity="MEDIUM",
    controls={"CIS AWS Foundations v3.0": "4.9", "AWS Security Hub": "CloudWatch.9"},
    aliases=("AVD-AWS-0155",),
)
def monitor_config_changes(model: Model) -> Iterable[Outcome]:
    """AWS Config configuration changes must be monitored with an alarm

    ## Why is this bad?
    Stopping the configuration recorder or deleting the delivery channel switches off the
    account's change history and every Config rule. An alarm makes that visible before
    the next change goes unrecorded.

    ## How to fix
    Terraform: on the trail's log group add an `aws_cloudwatch_log_metric_filter` with pattern `{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }` and an `aws_cloudwatch_metric_alarm` on its metric whose `alarm_actions` notify an SNS topic with a subscription (or an `aws_cloudwatch_event_rule` matching the events, with an `aws_cloudwatch_event_target`).
    CloudFormation: add an `AWS::Logs::MetricFilter` on the trail's log group with `FilterPattern: '{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }'` and an `AWS::CloudWatch::Alarm` on its metric with `AlarmActions` (or an `AWS::Events::Rule` with `Targets`).

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html
    """
    return monitor(model, EVENTS, TITLE)
