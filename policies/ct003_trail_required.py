"""CT003: an account that must have a trail defines one."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis.trails import account_trails
from scanner.model import Model, Span
from scanner.policy import Outcome, judge, policy


@policy(
    id="CT003",
    name="trail-required",
    severity="CRITICAL",
    controls={"AWS Security Hub": "CloudTrail.3"},
    aliases=(),
)
def trail_required(model: Model) -> Iterable[Outcome]:
    """Accounts that require a trail must define one

    ## Why is this bad?
    Without a trail, API activity is kept only in the 90-day event history: nothing is
    delivered to S3, nothing is validated, nothing can be alarmed on. This policy applies
    only when the configuration says the scanned code is where the trail lives
    (`require_trail = true`); a trail with `count = 0` or a false condition does not exist
    and does not count, while a trail declared in the configuration (`external_trails`,
    such as the organisation trail of the management account) does. A module the scan
    could not read (a remote module that `terraform init` has not installed) may hold the
    trail: the verdict is then unknown.

    ## How to fix
    Terraform: add an `aws_cloudtrail` (multi-region, logging, with its bucket and bucket policy) to the account's root module.
    CloudFormation: add an `AWS::CloudTrail::Trail` to the account's template.

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-a-trail-using-the-console-first-time.html
    """
    if not model.settings.require_trail:
        return
    trails = account_trails(model)
    if trails:
        span = trails[0].span
    elif model.units and model.units[0].files:
        span = Span(path=model.units[0].files[0])
    else:
        return  # nothing scanned: no file to anchor a finding on
    # A module trailscan could not read may define the trail: then not "no trail".
    unread = [(u, call) for u in model.units for call in u.unread_modules]
    verdict = True if trails else (None if unread else False)

    def unknown() -> str:
        shown = ", ".join(f"{call} (in {u.id})" for u, call in unread[:3])
        more = f" and {len(unread) - 3} more" if len(unread) > 3 else ""
        return (
            f"no trail in the code trailscan could read, but the trail may be defined in "
            f"module calls it could not read: {shown}{more} (a remote module is read "
            f"once `terraform init -backend=false` has installed it)"
        )

    units = ", ".join(u.id for u in model.units)
    yield judge(
        subject=f"account:{model.account}",
        span=span,
        verdict=verdict,
        unknown=unknown,
        fail=(
            f"Account {model.account!r} defines no CloudTrail trail although require_trail = true "
            f"(scanned: {units})."
        ),
    )
