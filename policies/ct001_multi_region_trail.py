"""CT001: every trail records all regions, not only its home region."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial

from scanner.analysis.trails import MAX_NAMED, describe, is_multi_region, listing, sorted_trails
from scanner.model import Model, Trail
from scanner.policy import Edit, Fail, NotFixed, Outcome, Related, assign, judge, policy, record_of


def _fix(model: Model, fail: Fail) -> Iterator[Edit | NotFixed]:
    """The trail records every region."""
    trail = record_of(model.trails, fail.subject)
    if trail is not None:
        yield assign(trail, trail.is_multi_region, True)


@policy(
    id="CT001",
    name="multi-region-trail",
    severity="HIGH",
    controls={"CIS AWS Foundations v3.0": "3.1", "AWS Security Hub": "CloudTrail.1"},
    aliases=("CKV_AWS_67", "AVD-AWS-0014", "aws-cloudtrail-enable-all-regions"),
    fix=_fix,
)
def multi_region_trail(model: Model) -> Iterable[Outcome]:
    """Trails must record events in every region

    ## Why is this bad?
    A single-region trail records only its home region. An attacker (or a mistake) in any
    other enabled region leaves no trace: resources can be created, used and deleted
    there unseen. Since November 2021 a single-region trail outside us-east-1 no longer
    receives IAM, STS and CloudFront events either. Every trail is judged on its own; when
    another trail of the account is multi-region the message says so, and a deliberate
    single-region trail (for example one that only records data events) can be suppressed
    with a reason.

    ## How to fix
    Terraform: set `is_multi_region_trail = true` on the `aws_cloudtrail`.
    CloudFormation: set `IsMultiRegionTrail: true` on the `AWS::CloudTrail::Trail`.

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-multi-region-trails.html
    """
    trails = sorted_trails(model.trails)
    # The multi-region trails a single-region one is told about: named once, at most a few.
    multi_region = [t for t in trails if is_multi_region(t) is True]
    names = listing([t.subject for t in multi_region])
    shown = multi_region[:MAX_NAMED]
    for trail in trails:
        attr = trail.is_multi_region
        multi = is_multi_region(trail)
        others = shown if multi is False else []
        yield judge(
            subject=trail.subject,
            span=attr.span,
            verdict=multi,
            unknown=attr.reason,
            fail=partial(_single_region, trail, names),
            related=tuple(Related(label="multi-region trail", ref=t.subject, span=t.span) for t in others),
        )


def _single_region(trail: Trail, names: str) -> str:
    message = (
        f"Trail {trail.subject} records only its home region ({describe(trail.is_multi_region)}): "
        "activity in every other region is not logged."
    )
    if names:
        message += (
            f" The account also has the multi-region trail {names}; if this trail is a "
            "deliberate single-region trail, suppress this finding with the reason."
        )
    return message
