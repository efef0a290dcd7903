"""CT012: the trail notifies an SNS topic when it delivers log files."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis.trails import sorted_trails
from scanner.model import Model, Origin
from scanner.policy import Outcome, judge, policy


@policy(
    id="CT012",
    name="sns-notification",
    severity="LOW",
    controls={},
    aliases=("CKV_AWS_252",),
)
def sns_notification(model: Model) -> Iterable[Outcome]:
    """Trails should notify an SNS topic of log file delivery

    ## Why is this bad?
    Without a delivery notification nothing tells you when log files stop arriving, and
    downstream consumers (SIEM ingestion, archivers) must poll the bucket instead of
    reacting to each delivery.

    ## How to fix
    Terraform: set `sns_topic_name` on the `aws_cloudtrail` to a topic whose policy lets `cloudtrail.amazonaws.com` publish.
    CloudFormation: set `SnsTopicName` on the `AWS::CloudTrail::Trail`.

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/configure-sns-notifications-for-cloudtrail.html
    """
    for trail in sorted_trails(model.trails):
        attr = trail.sns_topic_name
        how = f"{attr.name} is empty" if attr.origin is Origin.EXPLICIT else f"no {attr.name}"
        yield judge(
            subject=trail.subject,
            span=attr.span,
            verdict=attr.is_set(),
            unknown=attr.reason,
            fail=f"Trail {trail.subject} sends no SNS notification when it delivers log files ({how}).",
        )
