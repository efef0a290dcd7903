"""ORG001: trails deliver to the log-archive account's bucket (an organisation rule).

An example of a custom policy, written exactly like trailscan's own: one ``@policy``
function, a docstring with a title line, ``## Why is this bad?`` and ``## How to fix``
(one line per format), an id in the user range. Load it with
``trailscan --policies-dir examples/policies`` and check it against its samples with
``trailscan test-policies examples/policies``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from scanner.analysis import links
from scanner.model import Model
from scanner.policy import Fail, Outcome, Pass, Unknown, policy

# The organisation's log-archive account: AWS Control Tower names its bucket
# aws-controltower-logs-<log-archive account id>-<home region>.
LOG_ARCHIVE_ACCOUNT = "222233334444"
LOG_ARCHIVE_BUCKET = re.compile(rf"^aws-controltower-logs-{LOG_ARCHIVE_ACCOUNT}-[a-z0-9-]+$")


@policy(
    id="ORG001",
    name="trail-bucket-in-log-archive",
    severity="HIGH",
    controls={"Example Corp logging standard": "LOG-2"},
)
def trail_bucket_in_log_archive(model: Model) -> Iterable[Outcome]:
    """Trails must deliver to the log-archive account's bucket

    ## Why is this bad?
    Logs kept in the account they record can be deleted by whoever takes over that
    account: the evidence goes with the attacker. The organisation keeps every trail's
    logs in the log-archive account, where workload administrators have no access.

    ## How to fix
    Terraform: set `s3_bucket_name` on the `aws_cloudtrail` to `aws-controltower-logs-222233334444-<region>` and drop the local bucket.
    CloudFormation: set `S3BucketName` on the `AWS::CloudTrail::Trail` to `aws-controltower-logs-222233334444-<region>` and drop the local bucket.
    """
    for trail in model.trails:
        attr = trail.s3_bucket_name
        link = links.bucket_of(model, trail)
        if link.status is links.LinkStatus.UNKNOWN:
            yield Unknown(subject=trail.ref, span=attr.span, reason=link.reason)
        elif link.record is not None:
            yield Fail(
                subject=trail.ref,
                span=attr.span,
                message=f"Trail {trail.ref} delivers to bucket {link.record.ref}, defined in "
                "the account it records, not in the log-archive account.",
            )
        elif link.status is links.LinkStatus.EXTERNAL and LOG_ARCHIVE_BUCKET.match(link.value):
            yield Pass(subject=trail.ref, span=attr.span)
        else:
            yield Fail(
                subject=trail.ref,
                span=attr.span,
                message=f"Trail {trail.ref} delivers to bucket {link.value or '(none)'}, which is "
                f"not the log-archive account's ({LOG_ARCHIVE_ACCOUNT}).",
            )
