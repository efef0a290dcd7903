"""Bucket, key, log-group and role policies (CT101-CT303) on hand-built models.

No parser is involved: every record is built by ``builders`` so that the policies and
``scanner.analysis.delivery`` are tested on their own.
"""

from __future__ import annotations

from typing import Any

from builders import (
    ACCT,
    GROUP_ARN,
    TRAIL_ARN,
    acl_statement,
    bucket,
    cond,
    cwl_trail,
    delivering_trail,
    delivery_policy,
    df,
    doc,
    ex,
    key_policy,
    kinds,
    kms_key,
    log_group,
    logs_policy,
    model,
    only,
    pab,
    role,
    rule,
    run,
    service,
    sp,
    stmt,
    trust_policy,
    unk,
    write_statement,
)

from policies.ct101_bucket_delivery_policy import bucket_delivery_policy
from policies.ct102_bucket_lifecycle import bucket_lifecycle
from policies.ct103_bucket_not_public import bucket_not_public
from policies.ct104_bucket_access_logging import bucket_access_logging
from policies.ct105_bucket_versioning import bucket_versioning
from policies.ct201_kms_key_policy import kms_key_policy
from policies.ct202_kms_key_rotation import kms_key_rotation
from policies.ct203_kms_key_enabled import kms_key_enabled
from policies.ct301_log_group_retention import log_group_retention
from policies.ct302_log_group_encryption import log_group_encryption
from policies.ct303_cloudwatch_delivery_role import cloudwatch_delivery_role
from scanner.analysis import delivery
from scanner.model import (
    AccountPublicAccessBlock,
    Bucket,
    LifecycleRule,
    Principal,
    Settings,
    Trail,
)
from scanner.policy import Fail, Unknown

# ---------------------------------------------------------------------------
# Links shared by every policy of this area
# ---------------------------------------------------------------------------


def test_no_trail_or_no_bucket_name_is_not_applicable() -> None:
    assert run(bucket_delivery_policy, model(buckets=(bucket(),))) == []
    assert run(bucket_delivery_policy, model(delivering_trail(s3_bucket_name=df(None)), buckets=(bucket(),))) == []


def test_external_bucket_is_unknown_naming_it() -> None:
    m = model(delivering_trail(s3_bucket_name=ex("central-logging", 3)), buckets=(bucket(),))
    for func in (bucket_delivery_policy, bucket_lifecycle, bucket_not_public, bucket_access_logging, bucket_versioning):
        out = only(run(func, m), Unknown)
        assert "central-logging" in out.reason and "not defined in the scanned code" in out.reason
        assert out.span.line == 3


def test_unresolved_bucket_is_unknown() -> None:
    out = only(run(bucket_delivery_policy, model(delivering_trail(s3_bucket_name=unk(3)), buckets=(bucket(),))), Unknown)
    assert "var.x has no default" in out.reason


def test_symbolic_bucket_name_links() -> None:
    token = "${aws_s3_bucket.logs}"
    b = bucket(
        name=token,
        policy=ex(
            doc(
                acl_statement(f"arn:aws:s3:::{token}"),
                write_statement(f"arn:aws:s3:::{token}/AWSLogs/{ACCT}/*"),
            ),
            20,
        ),
    )
    assert kinds(run(bucket_delivery_policy, model(delivering_trail(s3_bucket_name=ex(token)), buckets=(b,)))) == ["Pass"]


# ---------------------------------------------------------------------------
# CT101 bucket-delivery-policy
# ---------------------------------------------------------------------------


def test_ct101_documented_policy_passes() -> None:
    assert kinds(run(bucket_delivery_policy, model(delivering_trail(), buckets=(bucket(),)))) == ["Pass"]


def test_ct101_missing_get_bucket_acl_fails_at_policy() -> None:
    b = bucket(policy=ex(doc(write_statement()), 20))
    out = only(run(bucket_delivery_policy, model(delivering_trail(), buckets=(b,))), Fail)
    assert out.message.startswith("CloudTrail cannot deliver to bucket audit-logs")
    assert "does not allow s3:GetBucketAcl to cloudtrail.amazonaws.com" in out.message
    assert out.span.line == 20


def test_ct101_no_policy_fails_at_bucket_header() -> None:
    b = bucket(policy=df(None, 10))
    out = only(run(bucket_delivery_policy, model(delivering_trail(), buckets=(b,))), Fail)
    assert "has no bucket policy" in out.message and out.span.line == 10


def test_ct101_deny_blocking_cloudtrail_fails_at_the_deny() -> None:
    deny = stmt(
        "Deny",
        sid="DenyAllWrites",
        principals=(Principal(kind="*", value="*"),),
        actions=("s3:PutObject",),
        resources=("arn:aws:s3:::audit-logs/*",),
        line=25,
    )
    out = only(run(bucket_delivery_policy, model(delivering_trail(), buckets=(bucket(policy=delivery_policy(deny)),))), Fail)
    assert "'DenyAllWrites'" in out.message and "denies s3:PutObject" in out.message
    assert out.span.line == 25


def test_ct101_deny_for_insecure_transport_does_not_block() -> None:
    deny = stmt(
        "Deny",
        principals=(Principal(kind="*", value="*"),),
        actions=("s3:*",),
        resources=("arn:aws:s3:::audit-logs", "arn:aws:s3:::audit-logs/*"),
        conditions=(cond("Bool", "aws:SecureTransport", "false"),),
        line=25,
    )
    assert kinds(run(bucket_delivery_policy, model(delivering_trail(), buckets=(bucket(policy=delivery_policy(deny)),)))) == ["Pass"]


def test_ct101_key_prefix_moves_the_write_path() -> None:
    m = model(delivering_trail(s3_key_prefix=ex("team", 4)), buckets=(bucket(),))
    out = only(run(bucket_delivery_policy, m), Fail)
    assert "s3:PutObject on team/AWSLogs/" in out.message
    ok = bucket(policy=ex(doc(acl_statement(), write_statement(f"arn:aws:s3:::audit-logs/team/AWSLogs/{ACCT}/*")), 20))
    assert kinds(run(bucket_delivery_policy, model(delivering_trail(s3_key_prefix=ex("team/", 4)), buckets=(ok,)))) == ["Pass"]


def test_ct101_source_arn_of_another_trail_fails() -> None:
    m = model(delivering_trail("aws_cloudtrail.other", s3_bucket_name=ex("audit-logs")), buckets=(bucket(),))
    outs = run(bucket_delivery_policy, m)
    assert kinds(outs) == ["Fail", "Fail"]  # both statements are scoped to trail/main


def test_ct101_unresolved_policy_is_unknown() -> None:
    out = only(run(bucket_delivery_policy, model(delivering_trail(), buckets=(bucket(policy=unk(20)),))), Unknown)
    assert out.span.line == 20


def test_ct101_organization_trail() -> None:
    org = delivering_trail(is_organization_trail=ex(True))
    # Only the account path: whether the organization path is allowed depends on the org id.
    assert kinds(run(bucket_delivery_policy, model(org, buckets=(bucket(),)))) == ["Unknown"]
    wide = bucket(policy=ex(doc(acl_statement(), write_statement("arn:aws:s3:::audit-logs/AWSLogs/*")), 20))
    assert kinds(run(bucket_delivery_policy, model(org, buckets=(wide,)))) == ["Pass"]
    named = bucket(
        policy=delivery_policy(write_statement("arn:aws:s3:::audit-logs/AWSLogs/o-abcdef1234/*", line=23))
    )
    assert kinds(run(bucket_delivery_policy, model(org, buckets=(named,)))) == ["Pass"]


def test_bucket_checks_requests() -> None:
    checks = delivery.bucket_checks(delivering_trail(), bucket(), "logs/")
    assert [c.request.action for c in checks] == ["s3:GetBucketAcl", "s3:PutObject"]
    put = checks[1].request
    assert put.resource.startswith(f"arn:aws:s3:::audit-logs/logs/AWSLogs/{ACCT}/")
    assert put.context["s3:x-amz-acl"] == "bucket-owner-full-control"
    assert put.context["aws:SourceArn"] == TRAIL_ARN


# ---------------------------------------------------------------------------
# CT102 bucket-lifecycle
# ---------------------------------------------------------------------------


def lifecycle(*rules: LifecycleRule) -> Bucket:
    return bucket(lifecycle_rules=ex(rules, 50) if rules else df((), 10))


def test_ct102_archiving_rule_passes() -> None:
    assert kinds(run(bucket_lifecycle, model(delivering_trail(), buckets=(lifecycle(rule()),)))) == ["Pass"]


def test_ct102_no_rule_fails_at_bucket() -> None:
    out = only(run(bucket_lifecycle, model(delivering_trail(), buckets=(lifecycle(),))), Fail)
    assert "no enabled lifecycle rule covering AWSLogs/" in out.message and out.span.line == 10


def test_ct102_short_expiry_fails_at_expiration() -> None:
    short = rule(transitions=(), expiration=ex(90, 55))
    out = only(run(bucket_lifecycle, model(delivering_trail(), buckets=(lifecycle(rule(), short),))), Fail)
    assert "after 90 days" in out.message and "365" in out.message and out.span.line == 55
    lenient = model(delivering_trail(), buckets=(lifecycle(short),), settings=Settings(min_retention_days=30))
    assert kinds(run(bucket_lifecycle, lenient)) == ["Pass"]


def test_ct102_expiry_written_as_text() -> None:
    text = rule(transitions=(), expiration=ex("90", 55))
    assert "after 90 days" in only(run(bucket_lifecycle, model(delivering_trail(), buckets=(lifecycle(text),))), Fail).message
    odd = rule(transitions=(), expiration=ex("soon", 55))
    assert kinds(run(bucket_lifecycle, model(delivering_trail(), buckets=(lifecycle(odd),)))) == ["Unknown"]


def test_ct102_rules_that_do_not_apply() -> None:
    disabled = rule(enabled=ex(False, 51))
    other = rule(prefix=ex("access-logs/", 53))
    ia = rule(transitions=("STANDARD_IA",))
    for r in (disabled, other, ia):
        assert kinds(run(bucket_lifecycle, model(delivering_trail(), buckets=(lifecycle(r),)))) == ["Fail"], r


def test_ct102_prefixes_cover_the_log_path() -> None:
    m = model(delivering_trail(s3_key_prefix=ex("team", 4)), buckets=(lifecycle(rule(prefix=ex("team/AWSLogs/", 53))),))
    assert kinds(run(bucket_lifecycle, m)) == ["Pass"]
    narrower = lifecycle(rule(prefix=ex(f"AWSLogs/{ACCT}/", 53)))
    assert kinds(run(bucket_lifecycle, model(delivering_trail(), buckets=(narrower,)))) == ["Pass"]
    literal = lifecycle(rule(prefix=ex("AWSLogs/123456789012/", 53)))
    assert kinds(run(bucket_lifecycle, model(delivering_trail(), buckets=(literal,)))) == ["Unknown"]


def test_ct102_unknowns() -> None:
    assert kinds(run(bucket_lifecycle, model(delivering_trail(), buckets=(bucket(lifecycle_rules=unk(50)),)))) == ["Unknown"]
    assert kinds(run(bucket_lifecycle, model(delivering_trail(), buckets=(lifecycle(rule(narrowed=True)),)))) == ["Unknown"]
    assert kinds(run(bucket_lifecycle, model(delivering_trail(s3_key_prefix=unk(4)), buckets=(lifecycle(rule()),)))) == ["Pass"]


def test_ct102_one_verdict_per_bucket_shared_by_trails() -> None:
    m = model(delivering_trail(), delivering_trail("aws_cloudtrail.second"), buckets=(lifecycle(),))
    out = only(run(bucket_lifecycle, m), Fail)
    assert [r.ref for r in out.related] == ["aws_cloudtrail.main", "aws_cloudtrail.second"]


# ---------------------------------------------------------------------------
# CT103 bucket-not-public
# ---------------------------------------------------------------------------


def test_ct103_private_bucket_passes() -> None:
    assert kinds(run(bucket_not_public, model(delivering_trail(), buckets=(bucket(),)))) == ["Pass"]


def test_ct103_missing_block_is_the_s3_default_not_a_finding() -> None:
    # S3 turns all four settings on for new buckets (April 2023): absence is not exposure,
    # which also matches the corpus labels (trivy/defsec no_public_log_access good cases).
    b = bucket(public_access_block=df(None, 10))
    assert kinds(run(bucket_not_public, model(delivering_trail(), buckets=(b,)))) == ["Pass"]
    public = bucket(public_access_block=df(None, 10), acl=ex("public-read", 12))
    assert only(run(bucket_not_public, model(delivering_trail(), buckets=(public,))), Fail).span.line == 12
    account = AccountPublicAccessBlock(ref="aws_s3_account_public_access_block.this", span=sp(200), unit=".", settings=pab())
    assert kinds(run(bucket_not_public, model(delivering_trail(), buckets=(b,), account_public_access_blocks=(account,)))) == ["Pass"]


def test_ct103_each_flag_off_fails_at_its_attr() -> None:
    b = bucket(public_access_block=ex(pab(ignore_public_acls=ex(False, 45), restrict_public_buckets=df(False, 40)), 40))
    outs = run(bucket_not_public, model(delivering_trail(), buckets=(b,)))
    assert kinds(outs) == ["Fail", "Fail"]
    assert [o.span.line for o in outs] == [45, 40]
    assert "ignore_public_acls" in outs[0].message


def test_ct103_public_acl_and_grantee() -> None:
    for acl in ("public-read", "public-read-write", "authenticated-read"):
        out = only(run(bucket_not_public, model(delivering_trail(), buckets=(bucket(acl=ex(acl, 12)),))), Fail)
        assert acl in out.message and out.span.line == 12
    grant = bucket(acl_grantees=("http://acs.amazonaws.com/groups/global/AllUsers",))
    assert "AllUsers" in only(run(bucket_not_public, model(delivering_trail(), buckets=(grant,))), Fail).message


def test_ct103_public_policy_statement() -> None:
    public = stmt(principals=(Principal(kind="*", value="*"),), actions=("s3:GetObject",), resources=("arn:aws:s3:::audit-logs/*",), line=26)
    out = only(run(bucket_not_public, model(delivering_trail(), buckets=(bucket(policy=delivery_policy(public)),))), Fail)
    assert out.span.line == 26 and "any principal" in out.message
    limited = stmt(
        principals=(Principal(kind="*", value="*"),),
        actions=("s3:GetObject",),
        resources=("arn:aws:s3:::audit-logs/*",),
        conditions=(cond("StringEquals", "aws:PrincipalOrgID", "o-abcdef1234"),),
        line=26,
    )
    assert kinds(run(bucket_not_public, model(delivering_trail(), buckets=(bucket(policy=delivery_policy(limited)),)))) == ["Pass"]


def test_ct103_unknown_acl_is_unknown() -> None:
    assert kinds(run(bucket_not_public, model(delivering_trail(), buckets=(bucket(acl=unk(12)),)))) == ["Unknown"]


# ---------------------------------------------------------------------------
# CT104 / CT105
# ---------------------------------------------------------------------------


def test_ct104_logging() -> None:
    assert kinds(run(bucket_access_logging, model(delivering_trail(), buckets=(bucket(),)))) == ["Pass"]
    out = only(run(bucket_access_logging, model(delivering_trail(), buckets=(bucket(logging_target=df(None, 10)),))), Fail)
    assert "no server access logging" in out.message and out.span.line == 10
    assert kinds(run(bucket_access_logging, model(delivering_trail(), buckets=(bucket(logging_target=unk(60)),)))) == ["Unknown"]


def test_ct105_versioning_or_object_lock() -> None:
    assert kinds(run(bucket_versioning, model(delivering_trail(), buckets=(bucket(),)))) == ["Pass"]
    off = bucket(versioning=df("Disabled", 10))
    assert only(run(bucket_versioning, model(delivering_trail(), buckets=(off,))), Fail).span.line == 10
    suspended = bucket(versioning=ex("Suspended", 70))
    assert "Suspended" in only(run(bucket_versioning, model(delivering_trail(), buckets=(suspended,))), Fail).message
    locked = bucket(versioning=df("Disabled", 10), object_lock=ex(True, 71))
    assert kinds(run(bucket_versioning, model(delivering_trail(), buckets=(locked,)))) == ["Pass"]
    assert kinds(run(bucket_versioning, model(delivering_trail(), buckets=(bucket(versioning=unk(70)),)))) == ["Unknown"]


# ---------------------------------------------------------------------------
# CT201-CT203 keys
# ---------------------------------------------------------------------------


def key_trail(**over: Any) -> Trail:
    return delivering_trail(kms_key_id=ex("${aws_kms_key.trail}", 7), **over)


def test_ct201_cloudtrail_grant_passes() -> None:
    assert kinds(run(kms_key_policy, model(key_trail(), kms_keys=(kms_key(),)))) == ["Pass"]


def test_ct201_default_policy_fails() -> None:
    out = only(run(kms_key_policy, model(key_trail(), kms_keys=(kms_key(policy=df(None, 78)),))), Fail)
    assert "default key policy" in out.message and out.span.line == 78


def test_ct201_root_only_policy_fails() -> None:
    root_only = ex(doc(stmt(principals=(Principal(kind="AWS", value=f"arn:aws:iam::{ACCT}:root"),), actions=("kms:*",), line=81), line=80), 80)
    out = only(run(kms_key_policy, model(key_trail(), kms_keys=(kms_key(policy=root_only),))), Fail)
    assert "does not allow kms:GenerateDataKey* to cloudtrail.amazonaws.com" in out.message


def test_ct201_wrong_encryption_context_fails_and_deny_is_named() -> None:
    other = stmt(
        principals=service(),
        actions=("kms:GenerateDataKey*",),
        conditions=(cond("StringLike", "kms:EncryptionContext:aws:cloudtrail:arn", "arn:aws:cloudtrail:*:*:trail/other"),),
        line=82,
    )
    assert kinds(run(kms_key_policy, model(key_trail(), kms_keys=(kms_key(policy=ex(doc(other), 80)),)))) == ["Fail"]
    deny = stmt("Deny", sid="NoCloudTrail", principals=service(), actions=("kms:*",), line=85)
    out = only(run(kms_key_policy, model(key_trail(), kms_keys=(kms_key(policy=key_policy(deny)),))), Fail)
    assert "'NoCloudTrail'" in out.message and out.span.line == 85


def test_ct201_unknowns_and_asymmetric_keys() -> None:
    assert kinds(run(kms_key_policy, model(key_trail(), kms_keys=(kms_key(policy=unk(80)),)))) == ["Unknown"]
    external = delivering_trail(kms_key_id=ex("arn:aws:kms:us-east-1:111122223333:key/abcd", 7))
    out = only(run(kms_key_policy, model(external, kms_keys=(kms_key(),))), Unknown)
    assert "not defined in the scanned code" in out.reason
    rsa = kms_key(key_spec=ex("RSA_2048", 77))
    assert "symmetric" in only(run(kms_key_policy, model(key_trail(), kms_keys=(rsa,))), Fail).message
    assert run(kms_key_policy, model(delivering_trail(), kms_keys=(kms_key(),))) == []  # no key on the trail


def test_ct201_alias_reference_links() -> None:
    aliased = kms_key(aliases=("alias/cloudtrail",))
    assert kinds(run(kms_key_policy, model(delivering_trail(kms_key_id=ex("alias/cloudtrail", 7)), kms_keys=(aliased,)))) == ["Pass"]


def test_ct202_rotation() -> None:
    assert kinds(run(kms_key_rotation, model(key_trail(), kms_keys=(kms_key(),)))) == ["Pass"]
    out = only(run(kms_key_rotation, model(key_trail(), kms_keys=(kms_key(rotation=df(False, 78)),))), Fail)
    assert "default off" in out.message and out.span.line == 78
    assert kinds(run(kms_key_rotation, model(key_trail(), kms_keys=(kms_key(rotation=unk(79)),)))) == ["Unknown"]
    assert run(kms_key_rotation, model(key_trail(), kms_keys=(kms_key(key_spec=ex("RSA_2048", 77)),))) == []


def test_ct203_enabled() -> None:
    assert kinds(run(kms_key_enabled, model(key_trail(), kms_keys=(kms_key(),)))) == ["Pass"]
    out = only(run(kms_key_enabled, model(key_trail(), kms_keys=(kms_key(enabled=ex(False, 79)),))), Fail)
    assert out.span.line == 79 and "disabled" in out.message
    assert kinds(run(kms_key_enabled, model(key_trail(), kms_keys=(kms_key(enabled=unk(79)),)))) == ["Unknown"]


# ---------------------------------------------------------------------------
# CT301-CT303 log group and role
# ---------------------------------------------------------------------------


def test_ct301_retention() -> None:
    assert kinds(run(log_group_retention, model(cwl_trail(), log_groups=(log_group(),)))) == ["Pass"]
    assert kinds(run(log_group_retention, model(cwl_trail(), log_groups=(log_group(retention_days=df(None, 90)),)))) == ["Pass"]
    out = only(run(log_group_retention, model(cwl_trail(), log_groups=(log_group(retention_days=ex(30, 92)),))), Fail)
    assert "30 days" in out.message and out.span.line == 92
    lenient = model(cwl_trail(), log_groups=(log_group(retention_days=ex(30, 92)),), settings=Settings(min_log_group_retention_days=14))
    assert kinds(run(log_group_retention, lenient)) == ["Pass"]
    assert kinds(run(log_group_retention, model(cwl_trail(), log_groups=(log_group(retention_days=unk(92)),)))) == ["Unknown"]
    assert run(log_group_retention, model(delivering_trail(), log_groups=(log_group(),))) == []


def test_ct301_retention_written_as_text() -> None:
    # A CloudFormation parameter gives "30": still 30 days, not a pass by type accident.
    text = model(cwl_trail(), log_groups=(log_group(retention_days=ex("30", 92)),))
    assert kinds(run(log_group_retention, text)) == ["Fail"]
    odd = model(cwl_trail(), log_groups=(log_group(retention_days=ex("forever", 92)),))
    assert kinds(run(log_group_retention, odd)) == ["Unknown"]


def test_ct302_encryption() -> None:
    assert kinds(run(log_group_encryption, model(cwl_trail(), log_groups=(log_group(),)))) == ["Pass"]
    out = only(run(log_group_encryption, model(cwl_trail(), log_groups=(log_group(kms_key_id=df(None, 90)),))), Fail)
    assert out.span.line == 90
    assert kinds(run(log_group_encryption, model(cwl_trail(), log_groups=(log_group(kms_key_id=unk(93)),)))) == ["Unknown"]
    external = cwl_trail(cloud_watch_logs_group_arn=ex("arn:aws:logs:us-east-1:111122223333:log-group:other:*", 5))
    assert kinds(run(log_group_encryption, model(external, log_groups=(log_group(),)))) == ["Unknown"]


def test_ct303_working_role_passes() -> None:
    m = model(cwl_trail(), log_groups=(log_group(),), roles=(role(),))
    assert kinds(run(cloudwatch_delivery_role, m)) == ["Pass"]
    written_out = role(permission_policies=(logs_policy(f"{GROUP_ARN}:log-stream:*"),))
    assert kinds(run(cloudwatch_delivery_role, model(cwl_trail(), log_groups=(log_group(),), roles=(written_out,)))) == ["Pass"]


def test_ct303_trust_of_another_service_fails() -> None:
    m = model(cwl_trail(), log_groups=(log_group(),), roles=(role(trust_policy=trust_policy("ec2.amazonaws.com")),))
    out = only(run(cloudwatch_delivery_role, m), Fail)
    assert "sts:AssumeRole" in out.message and out.span.line == 100


def test_ct303_permissions_on_the_group_arn_only_fail() -> None:
    # "<group arn>" without ":*" does not cover the log streams CloudTrail writes to.
    literal = "arn:aws:logs:us-east-1:123456789012:log-group:trail-events"
    group = log_group(arn=ex(literal, 91))
    t = cwl_trail(cloud_watch_logs_group_arn=ex(f"{literal}:*", 5))
    narrow = role(permission_policies=(logs_policy(literal),))
    out = only(run(cloudwatch_delivery_role, model(t, log_groups=(group,), roles=(narrow,))), Fail)
    assert "logs:CreateLogStream and logs:PutLogEvents" in out.message and out.span.line == 99
    wide = role(permission_policies=(logs_policy(f"{literal}:*"),))
    assert kinds(run(cloudwatch_delivery_role, model(t, log_groups=(group,), roles=(wide,)))) == ["Pass"]
    # With symbolic region/account the same mistake is still a sure one: a pseudo-parameter
    # token never stands for an ARN separator (see scanner.analysis.iam).
    symbolic = role(permission_policies=(logs_policy(GROUP_ARN),))
    assert kinds(run(cloudwatch_delivery_role, model(cwl_trail(), log_groups=(log_group(),), roles=(symbolic,)))) == ["Fail"]


def test_ct303_incomplete_permissions_are_unknown() -> None:
    outside = role(permission_policies=(), permissions_complete=False)
    out = only(run(cloudwatch_delivery_role, model(cwl_trail(), log_groups=(log_group(),), roles=(outside,))), Unknown)
    assert "managed policy outside the scan" in out.reason
    none = role(permission_policies=())
    assert kinds(run(cloudwatch_delivery_role, model(cwl_trail(), log_groups=(log_group(),), roles=(none,)))) == ["Fail"]


def test_ct303_deny_and_unresolved_role() -> None:
    deny = stmt("Deny", sid="NoPut", actions=("logs:PutLogEvents",), resources=("*",), line=115)
    denied = role(permission_policies=(logs_policy(f"{GROUP_ARN}:*", deny),))
    out = only(run(cloudwatch_delivery_role, model(cwl_trail(), log_groups=(log_group(),), roles=(denied,))), Fail)
    assert "'NoPut' denies logs:PutLogEvents" in out.message and out.span.line == 115
    m = model(cwl_trail(cloud_watch_logs_role_arn=unk(6)), log_groups=(log_group(),), roles=(role(),))
    assert kinds(run(cloudwatch_delivery_role, m)) == ["Unknown"]
