"""CT410: security group changes must be monitored with an alarm."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import cloudtrail_events
from scanner.analysis.monitoring import monitor
from scanner.model import Model
from scanner.policy import Outcome, policy

# What this item watches: the title its messages use, and the CloudTrail events (sample
# records) an alarm or EventBridge rule must match.
TITLE = "security group changes"
EVENTS = cloudtrail_events.calls(cloudtrail_events.SECURITY_GROUP_EVENTS)
# ``security_group_events = "ec2"`` narrows the item to CIS's six EC2 APIs.
CIS_EVENTS = cloudtrail_events.calls(cloudtrail_events.EC2_SECURITY_GROUP_EVENTS)


@policy(
    id="CT410",
    name="monitor-security-group-changes",
    severity="MEDIUM",
    controls={"CIS AWS Foundations v3.0": "4.10", "AWS Security Hub": "CloudWatch.10"},
    aliases=("AVD-AWS-0156",),
)
def monitor_security_group_changes(model: Model) -> Iterable[Outcome]:
    """Security group changes must be monitored with an alarm

    ## Why is this bad?
    Opening a security group is the quickest way to expose a database or a host to the
    internet. CIS lists the six EC2 APIs; ElastiCache, RDS and Redshift have their own
    (classic) security-group APIs that open their clusters the same way, so all 18 are
    required by default (`security_group_events = "ec2"` narrows to CIS's six).

    ## How to fix
    Terraform: on the trail's log group add an `aws_cloudwatch_log_metric_filter` with pattern `{ ($.eventName = AuthorizeSecurityGroupIngress) || ... || ($.eventName = RevokeClusterSecurityGroupIngress) }` and an `aws_cloudwatch_metric_alarm` on its metric whose `alarm_actions` notify an SNS topic with a subscription (or an `aws_cloudwatch_event_rule` matching the events, with an `aws_cloudwatch_event_target`).
    CloudFormation: add an `AWS::Logs::MetricFilter` on the trail's log group with `FilterPattern: '{ ($.eventName = AuthorizeSecurityGroupIngress) || ... || ($.eventName = RevokeClusterSecurityGroupIngress) }'` and an `AWS::CloudWatch::Alarm` on its metric with `AlarmActions` (or an `AWS::Events::Rule` with `Targets`).

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html
    """
    events = CIS_EVENTS if model.settings.security_group_events == "ec2" else EVENTS
    return monitor(model, events, TITLE)
