"""CT407: disabling or scheduling deletion of KMS keys must raise an alarm."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import cloudtrail_events
from scanner.analysis.monitoring import monitor
from scanner.model import Model
from scanner.policy import Outcome, policy

# What this item watches: the title its messages use, and the CloudTrail events (sample
# records) an alarm or EventBridge rule must match.
TITLE = "disabling or scheduled deletion of KMS keys"
EVENTS = cloudtrail_events.calls(cloudtrail_events.KMS_EVENTS)


@policy(
    id="CT407",
    name="monitor-cmk-disable-deletion",
    severity="MEDIUM",
    controls={"CIS AWS Foundations v3.0": "4.7", "AWS Security Hub": "CloudWatch.7"},
    aliases=("AVD-AWS-0153",),
)
def monitor_cmk_disable_deletion(model: Model) -> Iterable[Outcome]:
    """Disabling or scheduling deletion of KMS keys must raise an alarm

    ## Why is this bad?
    Data encrypted under a deleted KMS key is lost for good, and disabling a key breaks
    everything that uses it (including the trail's own log encryption). An alarm leaves
    the waiting period of a scheduled deletion to cancel it.

    ## How to fix
    Terraform: on the trail's log group add an `aws_cloudwatch_log_metric_filter` with pattern `{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }` and an `aws_cloudwatch_metric_alarm` on its metric whose `alarm_actions` notify an SNS topic with a subscription (or an `aws_cloudwatch_event_rule` matching the events, with an `aws_cloudwatch_event_target`).
    CloudFormation: add an `AWS::Logs::MetricFilter` on the trail's log group with `FilterPattern: '{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }'` and an `AWS::CloudWatch::Alarm` on its metric with `AlarmActions` (or an `AWS::Events::Rule` with `Targets`).

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html
    """
    return monitor(model, EVENTS, TITLE)
