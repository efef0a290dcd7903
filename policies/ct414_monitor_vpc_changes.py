"""CT414: vPC changes must be monitored with an alarm."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import cloudtrail_events
from scanner.analysis.monitoring import monitor
from scanner.model import Model
from scanner.policy import Outcome, policy

# What this item watches: the title its messages use, and the CloudTrail events (sample
# records) an alarm or EventBridge rule must match.
TITLE = "VPC changes"
EVENTS = cloudtrail_events.calls(cloudtrail_events.VPC_EVENTS)


@policy(
    id="CT414",
    name="monitor-vpc-changes",
    severity="MEDIUM",
    controls={"CIS AWS Foundations v3.0": "4.14", "AWS Security Hub": "CloudWatch.14"},
    aliases=("AVD-AWS-0160",),
)
def monitor_vpc_changes(model: Model) -> Iterable[Outcome]:
    """VPC changes must be monitored with an alarm

    ## Why is this bad?
    Creating, deleting or peering VPCs changes what can reach what. A peering connection
    accepted without review joins two networks; an alarm makes it visible.

    ## How to fix
    Terraform: on the trail's log group add an `aws_cloudwatch_log_metric_filter` with pattern `{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ... || ($.eventName = EnableVpcClassicLink) }` and an `aws_cloudwatch_metric_alarm` on its metric whose `alarm_actions` notify an SNS topic with a subscription (or an `aws_cloudwatch_event_rule` matching the events, with an `aws_cloudwatch_event_target`).
    CloudFormation: add an `AWS::Logs::MetricFilter` on the trail's log group with `FilterPattern: '{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ... || ($.eventName = EnableVpcClassicLink) }'` and an `AWS::CloudWatch::Alarm` on its metric with `AlarmActions` (or an `AWS::Events::Rule` with `Targets`).

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html
    """
    return monitor(model, EVENTS, TITLE)
