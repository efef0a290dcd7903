"""CT401: unauthorized API calls must be monitored with an alarm."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import cloudtrail_events
from scanner.analysis.monitoring import monitor
from scanner.model import Model
from scanner.policy import Outcome, policy

# What this item watches: the title its messages use, and the CloudTrail events (sample
# records) an alarm or EventBridge rule must match.
TITLE = "unauthorized API calls"
EVENTS = cloudtrail_events.UNAUTHORIZED_CALLS


@policy(
    id="CT401",
    name="monitor-unauthorized-api-calls",
    severity="MEDIUM",
    controls={"CIS AWS Foundations v3.0": "4.1", "AWS Security Hub": "CloudWatch.2"},
    aliases=("AVD-AWS-0147",),
)
def monitor_unauthorized_api_calls(model: Model) -> Iterable[Outcome]:
    """Unauthorized API calls must be monitored with an alarm

    ## Why is this bad?
    A burst of `AccessDenied` / `UnauthorizedOperation` errors is the first visible sign of
    stolen credentials being probed or of a misconfigured application. Without a metric
    filter and alarm (or an EventBridge rule) on the trail's events, those errors sit in
    the logs unseen.

    ## How to fix
    Terraform: on the trail's log group add an `aws_cloudwatch_log_metric_filter` with pattern `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }` and an `aws_cloudwatch_metric_alarm` on its metric whose `alarm_actions` notify an SNS topic with a subscription (or an `aws_cloudwatch_event_rule` matching the events, with an `aws_cloudwatch_event_target`).
    CloudFormation: add an `AWS::Logs::MetricFilter` on the trail's log group with `FilterPattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'` and an `AWS::CloudWatch::Alarm` on its metric with `AlarmActions` (or an `AWS::Events::Rule` with `Targets`).

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html
    """
    return monitor(model, EVENTS, TITLE)
