"""CT413: route table changes must be monitored with an alarm."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import cloudtrail_events
from scanner.analysis.monitoring import monitor
from scanner.model import Model
from scanner.policy import Outcome, policy

# What this item watches: the title its messages use, and the CloudTrail events (sample
# records) an alarm or EventBridge rule must match.
TITLE = "route table changes"
EVENTS = cloudtrail_events.calls(cloudtrail_events.ROUTE_TABLE_EVENTS)


@policy(
    id="CT413",
    name="monitor-route-table-changes",
    severity="MEDIUM",
    controls={"CIS AWS Foundations v3.0": "4.13", "AWS Security Hub": "CloudWatch.13"},
    aliases=("AVD-AWS-0159",),
)
def monitor_route_table_changes(model: Model) -> Iterable[Outcome]:
    """Route table changes must be monitored with an alarm

    ## Why is this bad?
    A changed route can send a subnet's traffic through an attacker-controlled instance
    or gateway. An alarm on route and route-table changes keeps traffic paths reviewed.

    ## How to fix
    Terraform: on the trail's log group add an `aws_cloudwatch_log_metric_filter` with pattern `{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }` and an `aws_cloudwatch_metric_alarm` on its metric whose `alarm_actions` notify an SNS topic with a subscription (or an `aws_cloudwatch_event_rule` matching the events, with an `aws_cloudwatch_event_target`).
    CloudFormation: add an `AWS::Logs::MetricFilter` on the trail's log group with `FilterPattern: '{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }'` and an `AWS::CloudWatch::Alarm` on its metric with `AlarmActions` (or an `AWS::Events::Rule` with `Targets`).

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html
    """
    return monitor(model, EVENTS, TITLE)
