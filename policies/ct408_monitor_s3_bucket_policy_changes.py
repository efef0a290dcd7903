"""CT408: s3 bucket policy changes must be monitored with an alarm."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import cloudtrail_events
from scanner.analysis.monitoring import monitor
from scanner.model import Model
from scanner.policy import Outcome, policy

# What this item watches: the title its messages use, and the CloudTrail events (sample
# records) an alarm or EventBridge rule must match.
TITLE = "S3 bucket policy changes"
EVENTS = cloudtrail_events.calls(cloudtrail_events.S3_POLICY_EVENTS)


@policy(
    id="CT408",
    name="monitor-s3-bucket-policy-changes",
    severity="MEDIUM",
    controls={"CIS AWS Foundations v3.0": "4.8", "AWS Security Hub": "CloudWatch.8"},
    aliases=("AVD-AWS-0154",),
)
def monitor_s3_bucket_policy_changes(model: Model) -> Iterable[Outcome]:
    """S3 bucket policy changes must be monitored with an alarm

    ## Why is this bad?
    Changing a bucket's policy, ACL, CORS, lifecycle or replication is how data is made
    public, copied out, or silently expired. An alarm on these nine APIs shortens the time
    a bucket stays exposed.

    ## How to fix
    Terraform: on the trail's log group add an `aws_cloudwatch_log_metric_filter` with pattern `{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ... || ($.eventName = DeleteBucketReplication)) }` and an `aws_cloudwatch_metric_alarm` on its metric whose `alarm_actions` notify an SNS topic with a subscription (or an `aws_cloudwatch_event_rule` matching the events, with an `aws_cloudwatch_event_target`).
    CloudFormation: add an `AWS::Logs::MetricFilter` on the trail's log group with `FilterPattern: '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ... || ($.eventName = DeleteBucketReplication)) }'` and an `AWS::CloudWatch::Alarm` on its metric with `AlarmActions` (or an `AWS::Events::Rule` with `Targets`).

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html
    """
    return monitor(model, EVENTS, TITLE)
