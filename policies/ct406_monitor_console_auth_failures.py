"""CT406: console authentication failures must be monitored with an alarm."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import cloudtrail_events
from scanner.analysis.monitoring import monitor
from scanner.model import Model
from scanner.policy import Outcome, policy

# What this item watches: the title its messages use, and the CloudTrail events (sample
# records) an alarm or EventBridge rule must match.
TITLE = "console authentication failures"
EVENTS = cloudtrail_events.FAILED_CONSOLE_LOGIN


@policy(
    id="CT406",
    name="monitor-console-auth-failures",
    severity="MEDIUM",
    controls={"CIS AWS Foundations v3.0": "4.6", "AWS Security Hub": "CloudWatch.6"},
    aliases=("AVD-AWS-0152",),
)
def monitor_console_auth_failures(model: Model) -> Iterable[Outcome]:
    """Console authentication failures must be monitored with an alarm

    ## Why is this bad?
    Repeated failed console sign-ins are a brute-force or password-spraying attempt.
    Without an alarm, nobody learns about the attack until one attempt succeeds.

    ## How to fix
    Terraform: on the trail's log group add an `aws_cloudwatch_log_metric_filter` with pattern `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }` and an `aws_cloudwatch_metric_alarm` on its metric whose `alarm_actions` notify an SNS topic with a subscription (or an `aws_cloudwatch_event_rule` matching the events, with an `aws_cloudwatch_event_target`).
    CloudFormation: add an `AWS::Logs::MetricFilter` on the trail's log group with `FilterPattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'` and an `AWS::CloudWatch::Alarm` on its metric with `AlarmActions` (or an `AWS::Events::Rule` with `Targets`).

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html
    """
    return monitor(model, EVENTS, TITLE)
