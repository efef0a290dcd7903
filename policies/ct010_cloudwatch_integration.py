"""CT010: the trail delivers its events to CloudWatch Logs."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis.trails import sorted_trails
from scanner.model import Model
from scanner.policy import Outcome, judge, policy
from scanner.tri import all_of


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
    changes or a trail being stopped. Delivery needs both the log group and the role that
    CloudTrail assumes to write to it. A log group given without its role fails here too,
    not only under CT006 (which reports that CloudTrail rejects the combination): as
    written, the trail either does not deploy or delivers nothing to CloudWatch Logs, and
    a scan that ignores CT006 must not read that as integrated. A role that cannot be
    resolved makes the verdict unknown.

    ## How to fix
    Terraform: set `cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.x.arn}:*"` and `cloud_watch_logs_role_arn` on the `aws_cloudtrail`.
    CloudFormation: set `CloudWatchLogsLogGroupArn: !GetAtt LogGroup.Arn` and `CloudWatchLogsRoleArn` on the `AWS::CloudTrail::Trail`.

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
    """
    for trail in sorted_trails(model.trails):
        group, role = trail.cloud_watch_logs_group_arn, trail.cloud_watch_logs_role_arn
        has_group, has_role = group.is_set(), role.is_set()
        verdict = all_of((has_group, has_role))
        if has_group is False and has_role is False:
            missing = f"neither {group.name} nor {role.name} is set"
        elif has_group is False:
            missing = f"{group.name} is not set ({role.name} alone delivers nothing)"
        elif has_group is True:
            missing = (
                f"{group.name} is set without {role.name}, which CloudTrail rejects (CT006): "
                "the trail does not deploy as written"
            )
        else:
            missing = (
                f"{role.name} is not set, so whatever {group.name} turns out to be, CloudTrail "
                "either rejects it (CT006) or has no log group to deliver to"
            )
        undecided = group if has_group is None else role
        span = role.span if has_group is True and has_role is not True else group.span
        yield judge(
            subject=trail.subject,
            span=span,
            verdict=verdict,
            unknown=undecided.reason,
            fail=(
                f"Trail {trail.subject} does not deliver events to CloudWatch Logs: {missing}, "
                "so no metric filter or alarm can watch it."
            ),
        )
