"""What CloudTrail must be allowed to do on a trail's bucket, key, log group and role.

CloudTrail delivers as the service principal ``cloudtrail.amazonaws.com``; when a resource
policy (or the delivery role) does not let it, delivery fails silently at run time -- the
trail shows ``LatestDeliveryError`` and no log is written. This module turns "the trail
``T`` delivers to ``B``" into the concrete IAM requests CloudTrail makes, with the request
context CloudTrail sends, so that the policies ask ``scanner.analysis.iam`` one precise
question each instead of pattern-matching policy text.

It also owns the walk from each trail to the records it really uses (``trail_links``;
``used_buckets``, ``used_keys`` and ``used_log_groups`` group the trails per record), so
that the bucket, key and log-group policies (CT1xx-CT3xx) treat a trail whose resource is
not in the scan the same way:

* ``unset`` -- the trail does not use such a resource: nothing to check (other policies,
  CT009/CT010, say whether it should).
* ``unknown`` -- the reference cannot be resolved: ``Unknown``.
* ``external`` -- it names a resource outside the scan (a central logging account's
  bucket, a key of another stack): ``Unknown`` with "... is not defined in the scanned
  code", so that ``--strict`` surfaces it. It is never a pass: nobody checked it.

Organization trails also write under ``AWSLogs/<organization id>/``. The organization id is
not known statically; the request uses the id the policy itself names when it names one
(``AWSLogs/o-abc123/*`` in a statement for CloudTrail), else the token
``${AWS::OrganizationId}``. A policy that covers ``AWSLogs/*`` then allows it surely; one
that names only the account path cannot be decided and the check stays UNKNOWN.

Every delivery verdict (CT101, CT201, CT303) climbs the same ladder, written once here:
a policy that cannot be resolved is ``Unknown``; no policy at all fails
(``policy_document``); then each request is evaluated (``require``): a Deny fails at the
statement, a request nothing allows fails at the policy, one that cannot be decided is
``Unknown``, and only when every request is allowed does the trail pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Generic, TypeVar

from scanner import arns
from scanner.analysis import iam, links
from scanner.analysis.links import Link, LinkStatus
from scanner.model import (
    Attr,
    Bucket,
    KmsKey,
    LogGroup,
    Model,
    Origin,
    PolicyDocument,
    Record,
    Role,
    Span,
    Statement,
    Trail,
)
from scanner.policy import Related, Tally, Unknown
from scanner.valueclass import ValueObject, value_class

CLOUDTRAIL = "cloudtrail.amazonaws.com"
ACCOUNT_ID = arns.ACCOUNT
REGION = arns.REGION
ORGANIZATION_ID = "${AWS::OrganizationId}"

R = TypeVar("R", bound=Record)

_ORG_PATH_RE = re.compile(r"/AWSLogs/(o-[a-z0-9]{10,32})/")


# ---------------------------------------------------------------------------
# Trail -> records
# ---------------------------------------------------------------------------


@value_class()
class TrailLink(ValueObject, Generic[R]):
    """A trail and what one of its references leads to."""

    trail: Trail
    link: Link[R]
    attr: Attr[str]  # the trail attribute that was followed (anchor when not linked)


def trail_links(
    model: Model, follow: Callable[[Model, Trail], Link[R]], attr: Callable[[Trail], Attr[str]]
) -> Iterator[TrailLink[R]]:
    """Every trail with the link ``follow`` finds for it (``unset`` links are skipped)."""
    for trail in model.trails:
        link = follow(model, trail)
        if link.status is LinkStatus.UNSET:
            continue
        yield TrailLink(trail, link, attr(trail))


def bucket_links(model: Model) -> Iterator[TrailLink[Bucket]]:
    return trail_links(model, links.bucket_of, lambda t: t.s3_bucket_name)


def key_links(model: Model) -> Iterator[TrailLink[KmsKey]]:
    return trail_links(model, links.kms_key_of, lambda t: t.kms_key_id)


def log_group_links(model: Model) -> Iterator[TrailLink[LogGroup]]:
    return trail_links(model, links.log_group_of, lambda t: t.cloud_watch_logs_group_arn)


def role_links(model: Model) -> Iterator[TrailLink[Role]]:
    return trail_links(model, links.role_of, lambda t: t.cloud_watch_logs_role_arn)


def unlinked(item: TrailLink[R], what: str) -> Unknown:
    """The ``Unknown`` for a trail whose ``what`` (bucket, KMS key...) is not in scope."""
    trail = item.trail
    related = (Related(label="trail", ref=trail.subject, span=trail.span),)
    if item.link.status is LinkStatus.UNKNOWN:
        reason = f"the {what} of trail {trail.subject} cannot be resolved: {item.link.reason}"
    else:
        reason = (
            f"{what} {item.link.value} of trail {trail.subject} is not defined in the scanned code"
        )
    return Unknown(subject=trail.subject, span=item.attr.span, reason=reason, related=related)


@value_class()
class Used(ValueObject, Generic[R]):
    """A record in scope and the trails that use it (in model order)."""

    record: R
    trails: tuple[Trail, ...]


def used_records(items: Iterable[TrailLink[R]], what: str) -> tuple[list[Used[R]], list[Unknown]]:
    """Group linked trails by record (one verdict per bucket/key/group, not per trail:
    a record is its (unit, ref), so two roots' ``aws_s3_bucket.logs`` are two buckets);
    the trails whose ``what`` is not in scope each give their ``Unknown``."""
    order: list[tuple[str, str]] = []
    by_ref: dict[tuple[str, str], tuple[R, list[Trail]]] = {}
    unknowns: list[Unknown] = []
    for item in items:
        record = item.link.record
        if record is None:
            unknowns.append(unlinked(item, what))
            continue
        key = record.key
        if key not in by_ref:
            order.append(key)
            by_ref[key] = (record, [])
        by_ref[key][1].append(item.trail)
    return [Used(by_ref[k][0], tuple(by_ref[k][1])) for k in order], unknowns


def used_buckets(model: Model) -> tuple[list[Used[Bucket]], list[Unknown]]:
    """The buckets trails deliver to, and an ``Unknown`` per trail whose bucket is not in scope."""
    return used_records(bucket_links(model), "bucket")


def used_keys(model: Model) -> tuple[list[Used[KmsKey]], list[Unknown]]:
    """The KMS keys trails encrypt with (see ``used_buckets``)."""
    return used_records(key_links(model), "KMS key")


def used_log_groups(model: Model) -> tuple[list[Used[LogGroup]], list[Unknown]]:
    """The log groups trails send events to (see ``used_buckets``)."""
    return used_records(log_group_links(model), "log group")


def trail_related(trails: Sequence[Trail]) -> tuple[Related, ...]:
    return tuple(Related(label="trail", ref=t.subject, span=t.span) for t in trails)


# ---------------------------------------------------------------------------
# Identities
# ---------------------------------------------------------------------------


def trail_arn(trail: Trail) -> str:
    """The trail's ARN; a token stands for a name that cannot be resolved."""
    candidates = links.trail_arn_candidates(trail)
    if candidates:
        return candidates[0]
    return arns.cloudtrail_trail(f"${{{trail.ref}.name}}")


def bucket_arn(bucket: Bucket) -> str:
    if bucket.arn.known and bucket.arn.value:
        return str(bucket.arn.value)
    if bucket.name.known and bucket.name.value:
        return arns.s3_bucket(str(bucket.name.value))
    return arns.s3_bucket(f"${{{bucket.ref}}}")


def key_prefix(trail: Trail) -> str | None:
    """The trail's ``s3_key_prefix`` as a path part (``"team/"``), ``""`` when absent.

    ``None`` when the prefix cannot be resolved.
    """
    attr = trail.s3_key_prefix
    if attr.origin is Origin.UNKNOWN:
        return None
    value = str(attr.value or "").strip("/")
    return f"{value}/" if value else ""


def key_arn(key: KmsKey) -> str:
    if key.arn.known and key.arn.value:
        return str(key.arn.value)
    if key.key_id.known and key.key_id.value:
        return arns.kms_key(str(key.key_id.value))
    return arns.kms_key(f"${{{key.ref}}}")


def log_group_arn(trail: Trail, group: LogGroup | None) -> str | None:
    """The group's ARN without ``:*`` (from the record, else from the trail's value)."""
    if group is not None and group.arn.known and group.arn.value:
        return str(group.arn.value).removesuffix(":*")
    if group is not None and group.name.known and group.name.value:
        return arns.log_group(str(group.name.value))
    if group is not None:
        # linked by reference, its name unknown: the token stands for it (as for buckets)
        return arns.log_group(f"${{{group.ref}}}")
    attr = trail.cloud_watch_logs_group_arn
    if attr.known and attr.value:
        return str(attr.value).removesuffix(":*")
    return None


# ---------------------------------------------------------------------------
# The requests CloudTrail makes
# ---------------------------------------------------------------------------


@value_class()
class Check(ValueObject):
    """One request CloudTrail must be allowed to make, and what it means when it is not."""

    what: str  # "s3:GetBucketAcl", "s3:PutObject under AWSLogs/<account>/"
    request: iam.Request


def _source_context(trail: Trail) -> dict[str, str]:
    return {
        "aws:SourceArn": trail_arn(trail),
        "aws:SourceAccount": ACCOUNT_ID,
    }


def _org_id_in(document: PolicyDocument | None) -> str:
    """The organization id a CloudTrail statement names in ``AWSLogs/o-.../``, if any."""
    if document is None:
        return ORGANIZATION_ID
    for statement in document.statements:
        for resource in statement.resources or ():
            m = _ORG_PATH_RE.search(resource)
            if m:
                return m.group(1)
    return ORGANIZATION_ID


def bucket_checks(trail: Trail, bucket: Bucket, prefix: str) -> list[Check]:
    """The S3 requests of one delivery (``prefix`` from ``key_prefix``)."""
    arn = bucket_arn(bucket)
    base = {**_source_context(trail), "aws:SecureTransport": "true"}
    put_context = {**base, "s3:x-amz-acl": "bucket-owner-full-control"}
    obj = "CloudTrail/us-east-1/2024/01/01/object.json.gz"
    checks = [
        Check(
            "s3:GetBucketAcl",
            iam.Request(
                principal_service=CLOUDTRAIL, action="s3:GetBucketAcl", resource=arn, context=base
            ),
        ),
        Check(
            f"s3:PutObject on {prefix}AWSLogs/<account-id>/*",
            iam.Request(
                principal_service=CLOUDTRAIL,
                action="s3:PutObject",
                resource=f"{arn}/{prefix}AWSLogs/{ACCOUNT_ID}/{obj}",
                context=put_context,
            ),
        ),
    ]
    if trail.is_organization_trail.truth() is not False:
        document = bucket.policy.value if bucket.policy.known else None
        org = _org_id_in(document)
        shown = "<organization-id>" if org == ORGANIZATION_ID else org
        checks.append(
            Check(
                f"s3:PutObject on {prefix}AWSLogs/{shown}/* (organization trail)",
                iam.Request(
                    principal_service=CLOUDTRAIL,
                    action="s3:PutObject",
                    resource=f"{arn}/{prefix}AWSLogs/{org}/{ACCOUNT_ID}/{obj}",
                    context=put_context,
                ),
            )
        )
    return checks


def key_check(trail: Trail, key: KmsKey) -> Check:
    """``kms:GenerateDataKey*`` with the encryption context CloudTrail sends."""
    arn = trail_arn(trail)
    return Check(
        "kms:GenerateDataKey*",
        iam.Request(
            principal_service=CLOUDTRAIL,
            action="kms:GenerateDataKey",
            resource=key_arn(key),
            context={
                **_source_context(trail),
                "kms:EncryptionContext:aws:cloudtrail:arn": arn,
            },
        ),
    )


def trust_check(trail: Trail, role: Role) -> Check:
    role_arn = str(role.arn.value) if role.arn.known and role.arn.value else f"${{{role.ref}}}"
    return Check(
        "sts:AssumeRole",
        iam.Request(
            principal_service=CLOUDTRAIL,
            action="sts:AssumeRole",
            resource=role_arn,
            context=_source_context(trail),
        ),
    )


def log_stream_arn(group_arn: str) -> str:
    """The stream CloudTrail writes to: ``<account>_CloudTrail_<region>``."""
    return f"{group_arn}:log-stream:{ACCOUNT_ID}_CloudTrail_{REGION}"


LOG_ACTIONS: tuple[str, ...] = ("logs:CreateLogStream", "logs:PutLogEvents")


# ---------------------------------------------------------------------------
# Verdicts: is CloudTrail granted what it asks?
# ---------------------------------------------------------------------------


def policy_document(
    tally: Tally, attr: Attr[PolicyDocument], *, unresolved: str, missing: str
) -> PolicyDocument | None:
    """The resource policy to evaluate, or None when the verdict is already known.

    A policy that cannot be resolved makes the verdict ``Unknown`` ("<unresolved>:
    <why>"); no policy at all fails with ``missing`` (CloudTrail gets nothing without one).
    """
    if attr.origin is Origin.UNKNOWN:
        tally.unknown(f"{unresolved}: {attr.reason}", span=attr.span)
        return None
    if attr.value is None:
        tally.fail(missing, span=attr.span)
        return None
    return attr.value


def _what_and_why(check: Check, decision: iam.Decision) -> str:
    return f"{check.what}: {decision.reason}"


def require(
    tally: Tally,
    document: PolicyDocument | None,
    checks: Iterable[Check],
    *,
    span: Span,
    denied: Callable[[Check, Statement, iam.Decision], str],
    refused: Callable[[Check, iam.Decision], str],
    undecided: Callable[[Check, iam.Decision], str] = _what_and_why,
) -> None:
    """Evaluate each request CloudTrail makes against ``document``.

    A request a Deny takes away fails at that statement (``denied``); one nothing allows
    fails at ``span`` (``refused``); one that cannot be decided statically is a reason for
    ``Unknown`` (``undecided``, by default "<what>: <why>"). An allowed request adds nothing.
    """
    for check in checks:
        decision = iam.evaluate(document, check.request)
        if decision.allowed is True:
            continue
        if decision.allowed is None:
            tally.unknown(undecided(check, decision))
        elif decision.deny_statements:
            deny = decision.deny_statements[0]
            tally.fail(denied(check, deny, decision), span=deny.span)
        else:
            tally.fail(refused(check, decision), span=span)


def statement_label(statement: Statement) -> str:
    """How a message names a statement: by its Sid, else by its line."""
    if statement.sid:
        return f"statement {statement.sid!r}"
    return f"the statement at line {statement.span.line}"
