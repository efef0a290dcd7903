"""CT010: the trail delivers its events to CloudWatch Logs."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis.trails import sorted_trails
from scanner.model import Model
from scanner.policy import Outcome, judge, policy


@policy(
    id="CT010",
    name="cloudwatch-integration",
    severity="MEDIUM",
    controls={"CIS AWS Foundations v1.4": "3.4", "AWS Security Hub": "CloudTrail.5"},
    aliases=("CKV2_AWS_10", "AVD-AWS-0162", "aws-cloudtrail-ensure-cloudwatch-integration"),
)
def cloudwatch_integration(model: Model) -> Iterable[Outcome]:
    """Trails must send their events to a CloudWatch Logs log group

    ## Why is this bad?
    Events that only land in S3 are read after the fact, if at all. Delivering them to a
    CloudWatch Logs group is what makes metric filters, alarms and the CIS monitoring
    items (CT401-CT415) possible: without it nobody is told about root logins, policy
    changes or a trail being stopped. A log group given without its delivery role is
    rejected by CloudTrail at deploy time and is reported by CT006 instead.

    ## How to fix
    Terraform: set `cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.x.arn}:*"` and `cloud_watch_logs_role_arn` on the `aws_cloudtrail`.
    CloudFormation: set `CloudWatchLogsLogGroupArn: !GetAtt LogGroup.Arn` and `CloudWatchLogsRoleArn` on the `AWS::CloudTrail::Trail`.

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
    """
    for trail in sorted_trails(model.trails):
        group, role = trail.cloud_watch_logs_group_arn, trail.cloud_watch_logs_role_arn
        if role.is_set() is False:
            missing = f"neither {group.name} nor {role.name} is set"
        else:
            missing = f"{group.name} is not set ({role.name} alone delivers nothing)"
        yield judge(
            subject=trail.subject,
            span=group.span,
            verdict=group.is_set(),
            unknown=group.reason,
            fail=(
                f"Trail {trail.subject} does not deliver events to CloudWatch Logs: {missing}, "
                "so no metric filter or alarm can watch it."
            ),
        )
