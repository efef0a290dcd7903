"""CT303: the CloudWatch Logs delivery role works for the trail."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import delivery, iam, links
from scanner.model import Model, Origin, Role, Trail
from scanner.policy import Outcome, Related, Tally, policy


@policy(
    id="CT303",
    name="cloudwatch-delivery-role",
    severity="HIGH",
    controls={},
)
def cloudwatch_delivery_role(model: Model) -> Iterable[Outcome]:
    """The delivery role must let CloudTrail write to the trail's log group

    ## Why is this bad?
    CloudTrail sends events to CloudWatch Logs by assuming `cloud_watch_logs_role_arn`.
    If the role's trust policy does not trust `cloudtrail.amazonaws.com`, or its
    permissions do not allow `logs:CreateLogStream` and `logs:PutLogEvents` on the log
    group's streams (`<group ARN>:log-stream:*`), nothing reaches the log group -- and
    every metric filter and alarm built on it (CT401-CT415) watches an empty stream.

    ## How to fix
    Terraform: give the `aws_iam_role` an `assume_role_policy` trusting `cloudtrail.amazonaws.com`, and an `aws_iam_role_policy` allowing `logs:CreateLogStream` and `logs:PutLogEvents` on `"${aws_cloudwatch_log_group.x.arn}:*"`.
    CloudFormation: set the role's `AssumeRolePolicyDocument` to trust `cloudtrail.amazonaws.com` and add a policy allowing both actions on `!Sub "${LogGroup.Arn}"` (the `Arn` attribute ends with `:*`).

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
    """
    for item in delivery.role_links(model):
        role = item.link.record
        if role is None:
            yield delivery.unlinked(item, "CloudWatch Logs role")
            continue
        yield from _check(model, item.trail, role)


def _check(model: Model, trail: Trail, role: Role) -> list[Outcome]:
    tally = Tally(
        subject=trail.subject,
        span=role.span,
        related=(
            Related(label="role", ref=role.subject, span=role.span),
            Related(label="trail", ref=trail.subject, span=trail.span),
        ),
    )
    # -- trust --------------------------------------------------------------
    trust = role.trust_policy

    def untrusted(decision: iam.Decision) -> str:
        return (
            f"Role {role.subject} does not let {delivery.CLOUDTRAIL} sts:AssumeRole, so trail "
            f"{trail.subject} cannot deliver to CloudWatch Logs ({decision.reason})."
        )

    if trust.origin is Origin.UNKNOWN:
        tally.unknown(f"the trust policy of role {role.subject} cannot be resolved: {trust.reason}")
    else:
        delivery.require(
            tally,
            trust.value,
            [delivery.trust_check(trail, role)],
            span=trust.span,
            denied=lambda _, __, decision: untrusted(decision),
            refused=lambda _, decision: untrusted(decision),
            undecided=lambda _, decision: decision.reason,
        )
    # -- permissions --------------------------------------------------------
    group = links.log_group_of(model, trail).record
    group_arn = delivery.log_group_arn(trail, group)
    if group_arn is None:
        why = trail.cloud_watch_logs_group_arn.reason
        tally.unknown(
            f"the log group ARN of trail {trail.subject} cannot be resolved" + (f": {why}" if why else "")
        )
        return tally.outcomes()
    resource = delivery.log_stream_arn(group_arn)
    missing: list[str] = []
    denied = None
    for action in delivery.LOG_ACTIONS:
        decision = iam.identity_allows(role.permission_policies, action, resource)
        if decision.allowed is True:
            continue
        if decision.allowed is None:
            tally.unknown(decision.reason)
        elif decision.deny_statements:
            denied = denied or decision.deny_statements[0]
            missing.append(action)
        elif not role.permissions_complete:
            tally.unknown(
                f"no policy in scope allows {action}, but role {role.subject} has a managed "
                "policy outside the scan that may"
            )
        else:
            missing.append(action)
    if missing:
        how = f"{delivery.statement_label(denied)} denies" if denied else "its policies do not allow"
        tally.fail(
            f"Role {role.subject} cannot deliver trail {trail.subject} to CloudWatch Logs: "
            f"{how} {' and '.join(missing)} on {group_arn}:log-stream:*.",
            span=denied.span if denied else role.span,
        )
    return tally.outcomes()
