"""CT402: console sign-in without MFA must be monitored with an alarm."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import cloudtrail_events
from scanner.analysis.monitoring import monitor
from scanner.model import Model
from scanner.policy import Outcome, policy

# What this item watches: the title its messages use, and the CloudTrail events (sample
# records) an alarm or EventBridge rule must match.
TITLE = "console sign-in without MFA"
EVENTS = cloudtrail_events.CONSOLE_SIGNIN_WITHOUT_MFA


@policy(
    id="CT402",
    name="monitor-console-signin-without-mfa",
    severity="MEDIUM",
    controls={"CIS AWS Foundations v3.0": "4.2", "AWS Security Hub": "CloudWatch.3"},
    aliases=("AVD-AWS-0148",),
)
def monitor_console_signin_without_mfa(model: Model) -> Iterable[Outcome]:
    """Console sign-in without MFA must be monitored with an alarm

    ## Why is this bad?
    A console sign-in without MFA means a password alone opened the account: a phished or
    reused password is enough. Alerting on it shows which users still sign in without MFA
    and catches an attacker using a stolen password.

    ## How to fix
    Terraform: on the trail's log group add an `aws_cloudwatch_log_metric_filter` with pattern `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }` and an `aws_cloudwatch_metric_alarm` on its metric whose `alarm_actions` notify an SNS topic with a subscription (or an `aws_cloudwatch_event_rule` matching the events, with an `aws_cloudwatch_event_target`).
    CloudFormation: add an `AWS::Logs::MetricFilter` on the trail's log group with `FilterPattern: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }'` and an `AWS::CloudWatch::Alarm` on its metric with `AlarmActions` (or an `AWS::Events::Rule` with `Targets`).

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html
    """
    return monitor(model, EVENTS, TITLE)
