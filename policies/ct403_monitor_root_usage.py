"""CT403: use of the root user must be monitored with an alarm."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import cloudtrail_events
from scanner.analysis.monitoring import monitor
from scanner.model import Model
from scanner.policy import Outcome, policy

# What this item watches: the title its messages use, and the CloudTrail events (sample
# records) an alarm or EventBridge rule must match.
TITLE = "root account usage"
EVENTS = cloudtrail_events.ROOT_USAGE


@policy(
    id="CT403",
    name="monitor-root-usage",
    severity="MEDIUM",
    controls={"CIS AWS Foundations v3.0": "4.3", "AWS Security Hub": "CloudWatch.1"},
    aliases=("AVD-AWS-0149",),
)
def monitor_root_usage(model: Model) -> Iterable[Outcome]:
    """Use of the root user must be monitored with an alarm

    ## Why is this bad?
    The root user cannot be restricted by IAM policies and should almost never be used.
    Any root activity is either a rare, planned task or an attacker with full control of
    the account; both deserve an immediate alert.

    ## How to fix
    Terraform: on the trail's log group add an `aws_cloudwatch_log_metric_filter` with pattern `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }` and an `aws_cloudwatch_metric_alarm` on its metric whose `alarm_actions` notify an SNS topic with a subscription (or an `aws_cloudwatch_event_rule` matching the events, with an `aws_cloudwatch_event_target`).
    CloudFormation: add an `AWS::Logs::MetricFilter` on the trail's log group with `FilterPattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'` and an `AWS::CloudWatch::Alarm` on its metric with `AlarmActions` (or an `AWS::Events::Rule` with `Targets`).

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html
    """
    return monitor(model, EVENTS, TITLE)
