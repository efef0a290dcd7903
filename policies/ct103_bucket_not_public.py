"""CT103: the trail's bucket is not public."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.analysis import delivery, iam
from scanner.model import Attr, Bucket, Model, Origin, PublicAccessBlock, Trail
from scanner.policy import Outcome, Related, Tally, policy
from scanner.tri import Tri, any_of

# Canned ACLs as the S3 API spells them (both front ends normalise to this spelling).
PUBLIC_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})
PUBLIC_GRANTEES = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)
FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


@policy(
    id="CT103",
    name="bucket-not-public",
    severity="CRITICAL",
    controls={"CIS AWS Foundations v1.4": "3.3", "AWS Security Hub": "CloudTrail.6"},
    aliases=(
        "AVD-AWS-0161", "aws-cloudtrail-no-public-log-access", "CKV_AWS_70", "CKV_AWS_20",
        "CKV_AWS_57", "CKV2_AWS_6",
    ),
)
def bucket_not_public(model: Model) -> Iterable[Outcome]:
    """The trail's bucket must not be publicly accessible

    ## Why is this bad?
    Trail logs describe every API call of the account: who did what, from where, on which
    resource. A bucket readable by everyone (a public canned ACL, an `AllUsers` grant, a
    bucket policy granting `*` without a condition that limits the callers) hands that map
    to attackers; a writable one lets them plant or overwrite evidence. The S3 public
    access block is the guard rail that keeps a later mistake from exposing it: a block
    written in the code must have all four settings on (on the bucket or for the whole
    account). A bucket without any block gets S3's default for new buckets (all four on,
    since April 2023), which is not a finding.

    ## How to fix
    Terraform: add an `aws_s3_bucket_public_access_block` with all four settings `true` (or an `aws_s3_account_public_access_block`), keep the ACL `private`, and give `Principal: "*"` statements only with a limiting condition (`aws:SourceArn`, `aws:PrincipalOrgID`...).
    CloudFormation: set `PublicAccessBlockConfiguration` with all four settings `true`, remove public `AccessControl` values, and limit `Principal: "*"` statements in the `AWS::S3::BucketPolicy` with a condition.

    ## References
    - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
    - https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
    - https://aws.amazon.com/about-aws/whats-new/2022/12/amazon-s3-automatically-enable-block-public-access-disable-access-control-lists-buckets-april-2023/
    """
    used, unknowns = delivery.used_buckets(model)
    yield from unknowns
    for use in used:
        yield from _check_bucket(model, use.record, use.trails)


def _account_flag(model: Model, flag: str) -> tuple[Tri, Related | None]:
    """The account-level setting of ``flag`` (True wins over any other block)."""
    result: Tri = False
    source: Related | None = None
    for block in model.account_public_access_blocks:
        value = getattr(block.settings, flag).truth()
        if value is True:
            return True, Related(label="account public access block", ref=block.subject, span=block.span)
        if value is None:
            result = None
            source = Related(label="account public access block", ref=block.subject, span=block.span)
    return result, source


def _check_bucket(model: Model, bucket: Bucket, trails: tuple[Trail, ...]) -> list[Outcome]:
    tally = Tally(
        subject=bucket.subject,
        span=bucket.span,
        related=(Related(label="bucket", ref=bucket.subject, span=bucket.span), *delivery.trail_related(trails)),
    )
    # -- public access block ------------------------------------------------
    pab_attr: Attr[PublicAccessBlock] = bucket.public_access_block
    account = {flag: _account_flag(model, flag) for flag in FLAGS}
    if pab_attr.origin is Origin.UNKNOWN:
        if not all(account[f][0] is True for f in FLAGS):
            tally.unknown(f"the public access block of {bucket.subject} cannot be resolved: {pab_attr.reason}")
    elif pab_attr.value is None:
        # No block attached: since April 2023 S3 turns all four settings on for every new
        # bucket, so the absence alone is not exposure. A public ACL or policy below still
        # fails (and would be rejected at deploy time under those defaults).
        pass
    else:
        for flag in FLAGS:
            attr: Attr[bool] = getattr(pab_attr.value, flag)
            value = any_of((attr.truth(), account[flag][0]))
            if value is False:
                tally.fail(f"Bucket {bucket.subject} does not set {attr.name} in its public access block.", span=attr.span)
            elif value is None:
                tally.unknown(f"{attr.name} of {bucket.subject} cannot be resolved: {attr.reason}")
    # -- ACL ----------------------------------------------------------------
    acl = bucket.acl
    if acl.origin is Origin.UNKNOWN:
        tally.unknown(f"the ACL of {bucket.subject} cannot be resolved: {acl.reason}")
    elif isinstance(acl.value, str) and acl.value in PUBLIC_ACLS:
        tally.fail(f"Bucket {bucket.subject} has the public canned ACL {acl.value!r}.", span=acl.span)
    for grantee in bucket.acl_grantees:
        if grantee.rstrip("/") in PUBLIC_GRANTEES:
            who = grantee.rsplit("/", 1)[-1]
            tally.fail(f"Bucket {bucket.subject} grants access to {who} in its ACL.", span=acl.span)
    # -- bucket policy ------------------------------------------------------
    policy_attr = bucket.policy
    if policy_attr.origin is Origin.UNKNOWN:
        tally.unknown(f"the policy of {bucket.subject} cannot be resolved: {policy_attr.reason}")
    elif policy_attr.value is not None:
        public, statements = iam.allows_public_access(policy_attr.value)
        if public is True:
            for st in statements:
                tally.fail(
                    f"Bucket {bucket.subject}: {delivery.statement_label(st)} of its policy allows any "
                    "principal (*) without a condition that limits the callers.",
                    span=st.span,
                )
        elif public is None:
            tally.unknown(f"whether the policy of {bucket.subject} allows public access cannot be decided")
    return tally.outcomes()
