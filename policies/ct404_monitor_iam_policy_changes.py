"""CT404: iAM policy changes must be monitored with an alarm."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import cloudtrail_events
from scanner.analysis.monitoring import monitor
from scanner.model import Model
from scanner.policy import Outcome, policy

# What this item watches: the title its messages use, and the CloudTrail events (sample
# records) an alarm or EventBridge rule must match.
TITLE = "IAM policy changes"
EVENTS = cloudtrail_events.calls(cloudtrail_events.IAM_POLICY_EVENTS)


@policy(
    id="CT404",
    name="monitor-iam-policy-changes",
    severity="MEDIUM",
    controls={"CIS AWS Foundations v3.0": "4.4", "AWS Security Hub": "CloudWatch.4"},
    aliases=("AVD-AWS-0150",),
)
def monitor_iam_policy_changes(model: Model) -> Iterable[Outcome]:
    """IAM policy changes must be monitored with an alarm

    ## Why is this bad?
    Attaching, putting or creating a policy is how privilege escalation and persistence
    are done. Each of the 16 IAM policy APIs must be covered: a filter that misses
    `PutRolePolicy` lets an attacker grant themselves a role unseen.

    ## How to fix
    Terraform: on the trail's log group add an `aws_cloudwatch_log_metric_filter` with pattern `{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ... || ($.eventName = DetachGroupPolicy) }` and an `aws_cloudwatch_metric_alarm` on its metric whose `alarm_actions` notify an SNS topic with a subscription (or an `aws_cloudwatch_event_rule` matching the events, with an `aws_cloudwatch_event_target`).
    CloudFormation: add an `AWS::Logs::MetricFilter` on the trail's log group with `FilterPattern: '{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ... || ($.eventName = DetachGroupPolicy) }'` and an `AWS::CloudWatch::Alarm` on its metric with `AlarmActions` (or an `AWS::Events::Rule` with `Targets`).

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html
    """
    return monitor(model, EVENTS, TITLE)
