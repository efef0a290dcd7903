"""CT006: the trail's settings are a combination CloudTrail accepts at deploy time."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scanner.analysis.trails import sorted_trails
from scanner.model import Attr, Model, Trail
from scanner.policy import Outcome, Tally, policy

# PutEventSelectors limits (InvalidEventSelectorsException): "A trail can have up to 5
# event selectors ... A trail is limited to 250 data resources."
MAX_EVENT_SELECTORS = 5
MAX_DATA_RESOURCES = 250


def _check(trail: Trail, terraform: bool) -> list[Outcome]:
    tally = Tally(subject=trail.subject, span=trail.span)
    group, role = trail.cloud_watch_logs_group_arn, trail.cloud_watch_logs_role_arn
    has_group, has_role = group.is_set(), role.is_set()
    if has_group is True and has_role is False:
        tally.fail(
            f"Trail {trail.subject} sets {group.name} without {role.name}: CloudTrail rejects it "
            "(InvalidCloudWatchLogsRoleArnException: You must specify a role ARN as well as a "
            "log group).",
            span=group.span,
        )
    if has_role is True and has_group is False:
        tally.fail(
            f"Trail {trail.subject} sets {role.name} without {group.name}: CloudTrail requires the "
            "log group whenever the role is given, so the trail cannot be deployed.",
            span=role.span,
        )
    if has_group is True and isinstance(group.value, str):
        arn = group.value.strip()
        if arn.startswith("arn:") and ":log-group:" in arn and not arn.endswith(":*"):
            hint = " (aws_cloudwatch_log_group.arn has no suffix since AWS provider 3.0)" if terraform else ""
            tally.fail(
                f"Trail {trail.subject} gives the log group ARN {arn!r} without the ':*' suffix: "
                "CloudTrail rejects it (InvalidCloudWatchLogsLogGroupArnException); append ':*'"
                f"{hint}.",
                span=group.span,
            )
    multi, glob = trail.is_multi_region, trail.include_global_service_events
    if multi.is_true() and glob.is_false():
        tally.fail(
            f"Trail {trail.subject} is multi-region but sets {glob.name} = false: CloudTrail rejects it "
            "(InvalidParameterCombinationException: Multi-Region trail must include global "
            "service events).",
            span=glob.span,
        )
    selectors = trail.event_selectors
    if selectors.known and selectors.value:
        definite = [s for s in selectors.value if not s.maybe]
        if len(definite) > MAX_EVENT_SELECTORS:
            tally.fail(
                f"Trail {trail.subject} has {len(definite)} event selectors; CloudTrail accepts at "
                f"most {MAX_EVENT_SELECTORS} (InvalidEventSelectorsException).",
                span=selectors.value[MAX_EVENT_SELECTORS].span,
            )
        resources = sum(len(r.values) for s in definite for r in s.data_resources)
        if resources > MAX_DATA_RESOURCES:
            tally.fail(
                f"Trail {trail.subject} names {resources} data resources; CloudTrail accepts at most "
                f"{MAX_DATA_RESOURCES} per trail (InvalidEventSelectorsException).",
                span=selectors.span,
            )
    undecided: list[Attr[Any]] = []
    if has_group is None:
        undecided.append(group)
    if has_role is None and has_group is not False:
        undecided.append(role)
    if multi.truth() is None and glob.truth() is not True:
        undecided.append(multi)
    if glob.truth() is None and multi.truth() is not False:
        undecided.append(glob)
    for attr in undecided:
        tally.unknown(attr.reason, span=attr.span)
    return tally.outcomes()


@policy(
    id="CT006",
    name="trail-deployable",
    severity="HIGH",
    controls={},
    aliases=(),
)
def trail_deployable(model: Model) -> Iterable[Outcome]:
    """Trail settings must be a combination CloudTrail accepts

    ## Why is this bad?
    These combinations pass `terraform validate` and CloudFormation linting but are
    rejected by the CloudTrail API when the trail is created or updated, so the change
    fails at deploy time (often in the production pipeline, after other resources were
    already changed) and the account keeps its old, or no, trail. Each rule is taken from
    the CloudTrail API reference or the error CloudTrail returns:

    - a CloudWatch Logs log group without a role: `InvalidCloudWatchLogsRoleArnException:
      You must specify a role ARN as well as a log group`
      (https://github.com/hashicorp/terraform-provider-aws/issues/148,
      https://github.com/pulumi/docs/issues/5117);
    - a role without a log group: CreateTrail documents `CloudWatchLogsLogGroupArn` as "Not
      required unless you specify CloudWatchLogsRoleArn"
      (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html);
    - a log group ARN without the `:*` suffix: `InvalidCloudWatchLogsLogGroupArnException:
      CloudTrail can't validate it` (https://github.com/hashicorp/terraform-provider-aws/issues/14557);
    - a multi-region trail with global service events off:
      `InvalidParameterCombinationException: Multi-Region trail must include global service
      events` (https://github.com/hashicorp/terraform/issues/4723,
      https://github.com/awsdocs/aws-cloudformation-user-guide/pull/908);
    - more than 5 event selectors or more than 250 data resources: `InvalidEventSelectorsException`
      (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html).

    ## How to fix
    Terraform: give `cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.x.arn}:*"` and `cloud_watch_logs_role_arn` together; keep `include_global_service_events = true` on a multi-region trail.
    CloudFormation: give `CloudWatchLogsLogGroupArn: !GetAtt LogGroup.Arn` and `CloudWatchLogsRoleArn` together; keep `IncludeGlobalServiceEvents: true` with `IsMultiRegionTrail: true`.

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
    - https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_UpdateTrail.html
    - https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html
    """
    terraform = {u.id for u in model.units if u.format == "terraform"}
    for trail in sorted_trails(model.trails):
        yield from _check(trail, trail.unit in terraform)
