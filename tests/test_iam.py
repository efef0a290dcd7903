"""IAM policy evaluation: resource, key and identity policies, three-valued."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.analysis.iam import (
    Request,
    allows_public_access,
    evaluate,
    evaluate_condition,
    identity_allows,
    match_value,
    service_can,
    wildcard_match,
)
from scanner.model import Condition, PolicyDocument, Principal, Span, Statement

SPAN = Span(path="policy.json")
ACCOUNT = "123456789012"
BUCKET = "trail-logs"
TRAIL_ARN = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/main"
CT = "cloudtrail.amazonaws.com"


def _strs(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def stmt(raw: dict[str, Any], *, unknown: tuple[str, ...] = (), line: int = 1) -> Statement:
    """Build a Statement from IAM JSON (test-side, so tests read like real policies)."""

    def principals(value: Any) -> tuple[Principal, ...]:
        if value == "*":
            return (Principal(kind="*", value="*"),)
        return tuple(Principal(kind=k, value=v) for k, vs in value.items() for v in _strs(vs))

    conditions = tuple(
        Condition(operator=op, key=key, values=_strs(values))
        for op, block in raw.get("Condition", {}).items()
        for key, values in block.items()
    )
    return Statement(
        sid=raw.get("Sid", ""),
        effect=raw["Effect"],
        principals=principals(raw["Principal"]) if "Principal" in raw else None,
        not_principals=principals(raw["NotPrincipal"]) if "NotPrincipal" in raw else None,
        actions=_strs(raw["Action"]) if "Action" in raw else None,
        not_actions=_strs(raw["NotAction"]) if "NotAction" in raw else None,
        resources=_strs(raw["Resource"]) if "Resource" in raw else None,
        not_resources=_strs(raw["NotResource"]) if "NotResource" in raw else None,
        conditions=conditions,
        span=Span(path="policy.json", line=line),
        unknown=unknown,
    )


def doc(*statements: dict[str, Any] | Statement, unknown: str = "") -> PolicyDocument:
    return PolicyDocument(
        statements=tuple(s if isinstance(s, Statement) else stmt(s) for s in statements),
        span=SPAN,
        unknown=unknown,
    )


ACL_CHECK = {
    "Sid": "AWSCloudTrailAclCheck",
    "Effect": "Allow",
    "Principal": {"Service": CT},
    "Action": "s3:GetBucketAcl",
    "Resource": f"arn:aws:s3:::{BUCKET}",
    "Condition": {"StringEquals": {"aws:SourceArn": TRAIL_ARN}},
}
WRITE = {
    "Sid": "AWSCloudTrailWrite",
    "Effect": "Allow",
    "Principal": {"Service": CT},
    "Action": "s3:PutObject",
    "Resource": f"arn:aws:s3:::{BUCKET}/AWSLogs/{ACCOUNT}/*",
    "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": TRAIL_ARN}},
}
DENY_INSECURE = {
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}
DELIVERY_CONTEXT = {
    "s3:x-amz-acl": "bucket-owner-full-control",
    "aws:SourceArn": TRAIL_ARN,
    "aws:SourceAccount": ACCOUNT,
    "aws:SecureTransport": "true",
}
OBJECT = f"arn:aws:s3:::{BUCKET}/AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/x.json.gz"


def put(document: PolicyDocument, resource: str = OBJECT, **context: str):
    ctx = dict(DELIVERY_CONTEXT)
    ctx.update(context)
    return service_can(document, CT, "s3:PutObject", resource, ctx)


# ---------------------------------------------------------------------------
# wildcard_match / match_value
# ---------------------------------------------------------------------------


def test_wildcard_star_and_question_mark() -> None:
    assert wildcard_match("s3:Put*", "s3:PutObject", case_sensitive=False)
    assert wildcard_match("s3:?etObject", "s3:GetObject", case_sensitive=False)
    assert not wildcard_match("s3:?etObject", "s3:GetObjectAcl", case_sensitive=False)


def test_wildcard_case_sensitivity() -> None:
    assert wildcard_match("S3:PUTOBJECT", "s3:PutObject", case_sensitive=False)
    assert not wildcard_match("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/x", case_sensitive=True)


def test_token_matches_same_token_only() -> None:
    assert wildcard_match("arn:aws:s3:::${B}/*", "arn:aws:s3:::${B}/k", case_sensitive=True)
    assert not wildcard_match("arn:aws:s3:::${B}/*", "arn:aws:s3:::${C}/k", case_sensitive=True)


def test_star_spans_tokens() -> None:
    assert wildcard_match("arn:aws:s3:::*", "arn:aws:s3:::${aws_s3_bucket.logs}/x", case_sensitive=True)


def test_question_mark_never_matches_a_token() -> None:
    assert not wildcard_match("a?b", "a${X}b", case_sensitive=True)
    assert match_value("a?b", "a${X}b", case_sensitive=True) is None


def test_literal_against_token_is_unknown() -> None:
    pattern = f"arn:aws:s3:::b/AWSLogs/{ACCOUNT}/*"
    assert match_value(pattern, "arn:aws:s3:::b/AWSLogs/${AWS::AccountId}/x", case_sensitive=True) is None


def test_literal_against_token_that_cannot_match_is_false() -> None:
    # Whatever the account id is, the bucket differs.
    value = "arn:aws:s3:::other/AWSLogs/${AWS::AccountId}/x"
    assert match_value("arn:aws:s3:::b/AWSLogs/*", value, case_sensitive=True) is False


def test_pseudo_parameter_token_never_stands_for_a_separator() -> None:
    group = "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:trail"
    stream = f"{group}:log-stream:${{AWS::AccountId}}_CloudTrail_${{AWS::Region}}"
    assert match_value(group, stream, case_sensitive=True) is False
    assert match_value(f"{group}:*", stream, case_sensitive=True) is True
    # A resource token may be anything (a name with "/" or an ARN): still undecided.
    assert match_value("arn:aws:s3:::${aws_s3_bucket.b}", "arn:aws:s3:::x/y", case_sensitive=True) is None


def test_partition_token_is_normalised() -> None:
    assert match_value("arn:${AWS::Partition}:s3:::b/*", "arn:aws:s3:::b/k", case_sensitive=True) is True


# ---------------------------------------------------------------------------
# CloudTrail's documented bucket policy
# ---------------------------------------------------------------------------


def test_documented_bucket_policy_allows_delivery() -> None:
    decision = put(doc(ACL_CHECK, WRITE))
    assert decision.allowed is True
    assert [s.sid for s in decision.allow_statements] == ["AWSCloudTrailWrite"]


def test_documented_bucket_policy_allows_acl_check() -> None:
    decision = service_can(
        doc(ACL_CHECK, WRITE), CT, "s3:GetBucketAcl", f"arn:aws:s3:::{BUCKET}", DELIVERY_CONTEXT
    )
    assert decision.allowed is True


def test_policy_missing_get_bucket_acl() -> None:
    decision = service_can(doc(WRITE), CT, "s3:GetBucketAcl", f"arn:aws:s3:::{BUCKET}", DELIVERY_CONTEXT)
    assert decision.allowed is False
    assert decision.allow_statements == ()


def test_write_without_acl_header_is_not_allowed() -> None:
    ctx = {k: v for k, v in DELIVERY_CONTEXT.items() if k != "s3:x-amz-acl"}
    assert service_can(doc(WRITE), CT, "s3:PutObject", OBJECT, ctx).allowed is False


def test_write_outside_the_prefix_is_not_allowed() -> None:
    other = f"arn:aws:s3:::{BUCKET}/AWSLogs/999999999999/x"
    assert put(doc(WRITE), other).allowed is False


def test_other_trail_source_arn_is_not_allowed() -> None:
    other = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/other"
    assert put(doc(WRITE), **{"aws:SourceArn": other}).allowed is False


def test_deny_non_tls_does_not_block_delivery() -> None:
    decision = put(doc(ACL_CHECK, WRITE, DENY_INSECURE))
    assert decision.allowed is True
    assert decision.deny_statements == ()


def test_deny_non_tls_blocks_plain_http() -> None:
    decision = put(doc(WRITE, DENY_INSECURE), **{"aws:SecureTransport": "false"})
    assert decision.allowed is False
    assert [s.sid for s in decision.deny_statements] == ["DenyInsecureTransport"]


def test_deny_everyone_everything_blocks_delivery() -> None:
    deny_all = {"Sid": "DenyAll", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}
    decision = put(doc(WRITE, deny_all))
    assert decision.allowed is False
    assert decision.deny_statements[0].sid == "DenyAll"
    assert "DenyAll" in decision.reason


def test_deny_with_unknown_condition_operator_makes_it_unknown() -> None:
    odd = {
        "Sid": "Odd",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:PutObject",
        "Resource": "*",
        "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}},
    }
    decision = put(doc(WRITE, odd))
    assert decision.allowed is None
    assert [s.sid for s in decision.deny_statements] == ["Odd"]


def test_allow_with_unknown_operator_is_unknown_not_false() -> None:
    odd = dict(WRITE, Condition={"NumericLessThan": {"s3:max-keys": "10"}})
    assert put(doc(odd)).allowed is None


def test_resource_with_account_token_against_literal_policy_is_unknown() -> None:
    obj = f"arn:aws:s3:::{BUCKET}/AWSLogs/${{AWS::AccountId}}/x.json.gz"
    assert put(doc(WRITE), obj, **{"aws:SourceArn": TRAIL_ARN}).allowed is None


def test_symbolic_policy_and_request_match() -> None:
    write = dict(
        WRITE,
        Resource="arn:aws:s3:::${aws_s3_bucket.logs}/AWSLogs/${AWS::AccountId}/*",
        Condition={
            "StringEquals": {
                "s3:x-amz-acl": "bucket-owner-full-control",
                "aws:SourceArn": "arn:aws:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/main",
            }
        },
    )
    decision = service_can(
        doc(write),
        CT,
        "s3:PutObject",
        "arn:aws:s3:::${aws_s3_bucket.logs}/AWSLogs/${AWS::AccountId}/k",
        {
            "s3:x-amz-acl": "bucket-owner-full-control",
            "aws:SourceArn": "arn:aws:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/main",
            "aws:SourceAccount": "${AWS::AccountId}",
        },
    )
    assert decision.allowed is True


def test_statement_with_unknown_part_is_unknown_when_relevant() -> None:
    partial = stmt(WRITE, unknown=("Condition",))
    assert put(doc(partial)).allowed is None


def test_known_resource_item_decides_despite_unknown_items() -> None:
    # Resource: [the log prefix, <unresolved>]: the known item matches, so the Allow
    # applies whatever the other item turns out to be.
    partial = stmt(WRITE, unknown=("Resource",))
    assert put(doc(partial)).allowed is True
    # The known items miss: the unresolved one may still match.
    elsewhere = stmt(dict(WRITE, Resource="arn:aws:s3:::other/*"), unknown=("Resource",))
    assert put(doc(elsewhere)).allowed is None


def test_unresolved_sid_changes_nothing() -> None:
    assert put(doc(stmt(WRITE, unknown=("Sid",)))).allowed is True


def test_statement_with_unknown_part_excluded_by_known_parts() -> None:
    # The action alone excludes it: its unknown resource cannot matter.
    partial = stmt(dict(ACL_CHECK, Sid="Acl"), unknown=("Resource",))
    assert put(doc(WRITE, partial)).allowed is True


def test_unknown_document_without_allow_is_unknown() -> None:
    assert put(doc(unknown="var.policy has no default")).allowed is None


def test_no_policy_is_not_allowed() -> None:
    assert (
        evaluate(None, Request(principal_service=CT, action="s3:PutObject", resource=OBJECT)).allowed is False
    )


# ---------------------------------------------------------------------------
# Actions, resources, principals
# ---------------------------------------------------------------------------


def test_action_wildcards_and_case() -> None:
    for action in ("s3:*", "S3:put*", "*", "s3:PutObj?ct"):
        assert put(doc(dict(WRITE, Action=action))).allowed is True, action


def test_not_action() -> None:
    allow = dict(WRITE, Action=None)
    del allow["Action"]
    allow["NotAction"] = "s3:Delete*"
    assert put(doc(allow)).allowed is True
    allow["NotAction"] = "s3:Put*"
    assert put(doc(allow)).allowed is False


def test_not_resource() -> None:
    allow = {k: v for k, v in WRITE.items() if k != "Resource"}
    allow["NotResource"] = "arn:aws:s3:::other/*"
    assert put(doc(allow)).allowed is True
    allow["NotResource"] = f"arn:aws:s3:::{BUCKET}/*"
    assert put(doc(allow)).allowed is False


def test_resources_are_case_sensitive() -> None:
    assert put(doc(dict(WRITE, Resource=f"arn:aws:s3:::{BUCKET.upper()}/*"))).allowed is False


def test_service_principal_list_and_case() -> None:
    allow = dict(WRITE, Principal={"Service": ["config.amazonaws.com", "CloudTrail.AmazonAWS.com"]})
    assert put(doc(allow)).allowed is True


def test_other_service_principal_does_not_match() -> None:
    assert put(doc(dict(WRITE, Principal={"Service": "config.amazonaws.com"}))).allowed is False


def test_star_principals() -> None:
    assert put(doc(dict(WRITE, Principal="*"))).allowed is True
    assert put(doc(dict(WRITE, Principal={"AWS": "*"}))).allowed is True


def test_aws_principal_does_not_match_service() -> None:
    allow = dict(WRITE, Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    assert put(doc(allow)).allowed is False


def test_account_principal_matches_principals_of_the_account() -> None:
    allow = {"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "s3:GetObject", "Resource": "*"}
    role = f"arn:aws:iam::{ACCOUNT}:role/reader"
    other = "arn:aws:iam::999999999999:role/reader"
    assert evaluate(doc(allow), Request(principal_arn=role, action="s3:GetObject", resource=OBJECT)).allowed
    assert (
        evaluate(doc(allow), Request(principal_arn=other, action="s3:GetObject", resource=OBJECT)).allowed
        is False
    )


def test_not_principal_deny_excludes_listed() -> None:
    deny = {"Effect": "Deny", "NotPrincipal": {"Service": CT}, "Action": "s3:*", "Resource": "*"}
    assert put(doc(WRITE, deny)).allowed is True
    deny_other = dict(deny, NotPrincipal={"Service": "config.amazonaws.com"})
    assert put(doc(WRITE, deny_other)).allowed is False


def test_resource_policy_statement_without_principal_is_unknown() -> None:
    allow = {k: v for k, v in WRITE.items() if k != "Principal"}
    assert put(doc(allow)).allowed is None


def test_unknown_request_principal() -> None:
    req = Request(action="s3:PutObject", resource=OBJECT, context=DELIVERY_CONTEXT)
    assert evaluate(doc(WRITE), req).allowed is None
    assert evaluate(doc(dict(WRITE, Principal="*")), req).allowed is True


# ---------------------------------------------------------------------------
# Conditions
# ---------------------------------------------------------------------------


def cond(operator: str, key: str, *values: str) -> Condition:
    return Condition(operator=operator, key=key, values=values)


def test_condition_keys_are_case_insensitive() -> None:
    assert evaluate_condition(cond("StringEquals", "AWS:SourceArn", TRAIL_ARN), {"aws:sourcearn": TRAIL_ARN})


def test_missing_key_semantics() -> None:
    assert evaluate_condition(cond("StringEquals", "aws:SourceArn", "x"), {}) is False
    assert evaluate_condition(cond("StringNotEquals", "aws:SourceArn", "x"), {}) is True
    assert evaluate_condition(cond("StringNotLike", "aws:SourceArn", "x*"), {}) is True
    assert evaluate_condition(cond("ArnNotLike", "aws:SourceArn", "arn:*"), {}) is True
    assert evaluate_condition(cond("StringEqualsIfExists", "aws:SourceArn", "x"), {}) is True
    assert evaluate_condition(cond("ForAllValues:StringEquals", "aws:TagKeys", "x"), {}) is True
    assert evaluate_condition(cond("ForAnyValue:StringEquals", "aws:TagKeys", "x"), {}) is False


def test_if_exists_present_key_is_evaluated() -> None:
    assert evaluate_condition(cond("StringEqualsIfExists", "k", "x"), {"k": "y"}) is False
    assert evaluate_condition(cond("StringEqualsIfExists", "k", "x"), {"k": "x"}) is True


def test_null_operator() -> None:
    assert evaluate_condition(cond("Null", "aws:SourceArn", "true"), {}) is True
    assert evaluate_condition(cond("Null", "aws:SourceArn", "true"), {"aws:SourceArn": "a"}) is False
    assert evaluate_condition(cond("Null", "aws:SourceArn", "false"), {"aws:SourceArn": "a"}) is True


def test_string_like_and_ignore_case() -> None:
    assert evaluate_condition(cond("StringLike", "k", "arn:*:trail/*"), {"k": TRAIL_ARN}) is True
    assert evaluate_condition(cond("StringEquals", "k", "ABC"), {"k": "abc"}) is False
    assert evaluate_condition(cond("StringEqualsIgnoreCase", "k", "ABC"), {"k": "abc"}) is True
    assert evaluate_condition(cond("StringEquals", "k", "a*"), {"k": "abc"}) is False


def test_arn_like_matches_components() -> None:
    assert evaluate_condition(cond("ArnLike", "k", "arn:aws:cloudtrail:*:*:trail/*"), {"k": TRAIL_ARN})
    # A star does not cross the colon-separated ARN parts.
    assert (
        evaluate_condition(cond("ArnLike", "k", "arn:aws:cloudtrail:*:trail/main"), {"k": TRAIL_ARN}) is False
    )
    assert evaluate_condition(cond("ArnNotEquals", "k", TRAIL_ARN), {"k": TRAIL_ARN}) is False


def test_for_any_and_all_values_on_multivalued_keys() -> None:
    ctx = {"aws:TagKeys": ["env", "team"]}
    assert evaluate_condition(cond("ForAnyValue:StringEquals", "aws:TagKeys", "team"), ctx) is True
    assert evaluate_condition(cond("ForAllValues:StringEquals", "aws:TagKeys", "team"), ctx) is False
    assert evaluate_condition(cond("ForAllValues:StringEquals", "aws:TagKeys", "team", "env"), ctx) is True


def test_unsupported_operator_is_unknown() -> None:
    assert (
        evaluate_condition(cond("IpAddress", "aws:SourceIp", "10.0.0.0/8"), {"aws:SourceIp": "10.1.1.1"})
        is None
    )
    assert evaluate_condition(cond("Foo:StringEquals", "k", "x"), {"k": "x"}) is None


def test_condition_value_token_against_literal_is_unknown() -> None:
    c = cond("StringEquals", "aws:SourceAccount", "${AWS::AccountId}")
    assert evaluate_condition(c, {"aws:SourceAccount": ACCOUNT}) is None
    assert evaluate_condition(c, {"aws:SourceAccount": "${AWS::AccountId}"}) is True


# ---------------------------------------------------------------------------
# KMS key policies
# ---------------------------------------------------------------------------

KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROOT_ONLY = {
    "Sid": "Enable IAM User Permissions",
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    "Action": "kms:*",
    "Resource": "*",
}
CT_ENCRYPT = {
    "Sid": "Allow CloudTrail to encrypt logs",
    "Effect": "Allow",
    "Principal": {"Service": CT},
    "Action": "kms:GenerateDataKey*",
    "Resource": "*",
    "Condition": {
        "StringEquals": {"aws:SourceArn": TRAIL_ARN},
        "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"},
    },
}
KMS_CONTEXT = {"aws:SourceArn": TRAIL_ARN, "kms:EncryptionContext:aws:cloudtrail:arn": TRAIL_ARN}


def test_key_policy_granting_only_root_does_not_let_cloudtrail_encrypt() -> None:
    decision = service_can(doc(ROOT_ONLY), CT, "kms:GenerateDataKey", KEY_ARN, KMS_CONTEXT)
    assert decision.allowed is False


def test_key_policy_granting_cloudtrail_with_encryption_context() -> None:
    decision = service_can(doc(ROOT_ONLY, CT_ENCRYPT), CT, "kms:GenerateDataKey", KEY_ARN, KMS_CONTEXT)
    assert decision.allowed is True
    assert decision.allow_statements[0].sid == "Allow CloudTrail to encrypt logs"


def test_key_policy_encryption_context_of_another_account() -> None:
    ctx = dict(KMS_CONTEXT)
    ctx["kms:EncryptionContext:aws:cloudtrail:arn"] = "arn:aws:cloudtrail:us-east-1:999999999999:trail/x"
    assert service_can(doc(CT_ENCRYPT), CT, "kms:GenerateDataKey", KEY_ARN, ctx).allowed is False


# ---------------------------------------------------------------------------
# Identity policies (the CloudWatch Logs delivery role)
# ---------------------------------------------------------------------------

LOG_GROUP = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:trail"


def test_identity_policy_allows_put_log_events() -> None:
    policy = doc(
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"{LOG_GROUP}:*",
        }
    )
    stream = f"{LOG_GROUP}:log-stream:{ACCOUNT}_CloudTrail_us-east-1"
    assert identity_allows([policy], "logs:PutLogEvents", stream).allowed is True
    assert identity_allows([policy], "logs:DeleteLogGroup", stream).allowed is False


def test_identity_policy_across_documents_with_deny() -> None:
    allow = doc({"Effect": "Allow", "Action": "logs:*", "Resource": "*"})
    deny = doc({"Effect": "Deny", "Action": "logs:PutLogEvents", "Resource": "*"})
    assert identity_allows([allow, deny], "logs:PutLogEvents", LOG_GROUP).allowed is False
    assert identity_allows([allow, deny], "logs:CreateLogStream", LOG_GROUP).allowed is True


def test_identity_condition_without_context_is_unknown() -> None:
    allow = doc(
        {
            "Effect": "Allow",
            "Action": "logs:*",
            "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "true"}},
        }
    )
    assert identity_allows([allow], "logs:PutLogEvents", LOG_GROUP).allowed is None
    ctx = {"aws:SecureTransport": "true"}
    assert identity_allows([allow], "logs:PutLogEvents", LOG_GROUP, ctx).allowed is True


def test_trust_policy_without_resource_applies() -> None:
    trust = doc({"Effect": "Allow", "Principal": {"Service": CT}, "Action": "sts:AssumeRole"})
    role = f"arn:aws:iam::{ACCOUNT}:role/ct-logs"
    assert service_can(trust, CT, "sts:AssumeRole", role).allowed is True
    assert service_can(trust, "logs.amazonaws.com", "sts:AssumeRole", role).allowed is False


# ---------------------------------------------------------------------------
# Public access
# ---------------------------------------------------------------------------


def test_public_read_is_public() -> None:
    public = {"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
    result, statements = allows_public_access(doc(WRITE, public))
    assert result is True
    assert [s.sid for s in statements] == ["Public"]


def test_public_principal_limited_by_source_account_is_not_public() -> None:
    limited = {
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "s3:PutObject",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
    }
    assert allows_public_access(doc(limited)) == (False, ())


def test_negated_or_if_exists_conditions_do_not_limit() -> None:
    base = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
    for c in (
        {"StringNotEquals": {"aws:SourceAccount": ACCOUNT}},
        {"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"}},
        {"Bool": {"aws:SecureTransport": "true"}},
        {"StringLike": {"aws:SourceArn": "*"}},
    ):
        assert allows_public_access(doc(dict(base, Condition=c)))[0] is True, c


def test_allow_with_not_principal_is_public() -> None:
    broad = {
        "Effect": "Allow",
        "NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/x"},
        "Action": "s3:*",
        "Resource": "*",
    }
    assert allows_public_access(doc(broad))[0] is True


def test_service_only_policy_is_not_public_and_deny_star_is_not() -> None:
    assert allows_public_access(doc(ACL_CHECK, WRITE, DENY_INSECURE)) == (False, ())


def test_public_with_unknown_principal_is_unknown() -> None:
    partial = stmt({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}, unknown=("Principal",))
    assert allows_public_access(doc(partial))[0] is None


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

text = st.text(alphabet="ab:/*?${}X", max_size=12)
plain = st.text(alphabet="ab:/-x", max_size=12)


@settings(max_examples=200, deadline=None)
@given(plain)
def test_star_matches_everything(value: str) -> None:
    assert wildcard_match("*", value, case_sensitive=True)
    assert wildcard_match("*", value, case_sensitive=False)


@settings(max_examples=200, deadline=None)
@given(plain)
def test_literal_matches_itself(value: str) -> None:
    assert wildcard_match(value, value, case_sensitive=True)
    assert match_value(value, value, case_sensitive=True) is True


@settings(max_examples=200, deadline=None)
@given(text, text)
def test_definite_match_agrees_with_three_valued(pattern: str, value: str) -> None:
    # A definite two-valued match is always a three-valued True.
    if wildcard_match(pattern, value.replace("*", "").replace("?", ""), case_sensitive=True):
        assert match_value(pattern, value.replace("*", "").replace("?", ""), case_sensitive=True) is True


effects = st.sampled_from(["Allow", "Deny", "allow", "Maybe", ""])
actions = st.sampled_from(["s3:PutObject", "s3:*", "*", "s3:Get*", "kms:*", "${X}"])
resources = st.sampled_from(["*", OBJECT, f"arn:aws:s3:::{BUCKET}/*", "arn:aws:s3:::${B}/*", "x"])
operators = st.sampled_from(
    [
        "StringEquals",
        "StringNotLike",
        "ArnLike",
        "Bool",
        "Null",
        "NumericEquals",
        "ForAllValues:StringLike",
        "StringEqualsIfExists",
        "Weird:Op",
        "",
    ]
)
principal_st = st.one_of(
    st.none(),
    st.just((Principal(kind="*", value="*"),)),
    st.lists(
        st.builds(Principal, kind=st.sampled_from(["AWS", "Service", "Federated", "x"]), value=text),
        max_size=2,
    ).map(tuple),
)
statement_st = st.builds(
    Statement,
    sid=st.text(max_size=3),
    effect=effects,
    principals=principal_st,
    not_principals=st.one_of(st.none(), principal_st),
    actions=st.one_of(st.none(), st.lists(actions, max_size=2).map(tuple)),
    not_actions=st.one_of(st.none(), st.lists(actions, max_size=2).map(tuple)),
    resources=st.one_of(st.none(), st.lists(resources, max_size=2).map(tuple)),
    not_resources=st.one_of(st.none(), st.lists(resources, max_size=2).map(tuple)),
    conditions=st.lists(
        st.builds(
            Condition,
            operator=operators,
            key=st.sampled_from(["aws:SourceArn", "k", ""]),
            values=st.lists(text, max_size=2).map(tuple),
        ),
        max_size=2,
    ).map(tuple),
    span=st.just(SPAN),
    unknown=st.sampled_from([(), ("Resource",)]),
)
request_st = st.builds(
    Request,
    principal_service=st.one_of(st.none(), st.just(CT)),
    principal_arn=st.one_of(st.none(), st.just(f"arn:aws:iam::{ACCOUNT}:role/r")),
    action=actions,
    resource=resources,
    context=st.dictionaries(st.sampled_from(["aws:SourceArn", "K", "s3:x-amz-acl"]), text, max_size=2),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(statement_st, max_size=4), request_st)
def test_evaluate_never_raises(statements: list[Statement], request: Request) -> None:
    decision = evaluate(PolicyDocument(statements=tuple(statements), span=SPAN), request)
    assert decision.allowed in (True, False, None)
    assert decision.reason
    identity_allows(
        [PolicyDocument(statements=tuple(statements), span=SPAN)], request.action, request.resource
    )
    allows_public_access(PolicyDocument(statements=tuple(statements), span=SPAN))


@settings(max_examples=200, deadline=None)
@given(statement_st, request_st)
def test_identical_deny_takes_away_a_sure_allow(statement: Statement, request: Request) -> None:
    allow = Statement(**{**_fields(statement), "effect": "Allow"})
    deny = Statement(**{**_fields(statement), "effect": "Deny"})
    alone = evaluate(PolicyDocument(statements=(allow,), span=SPAN), request)
    both = evaluate(PolicyDocument(statements=(allow, deny), span=SPAN), request)
    if alone.allowed is True:
        assert both.allowed is False
    assert both.allowed is not True


def _fields(statement: Statement) -> dict[str, Any]:
    return {name: getattr(statement, name) for name in Statement.__dataclass_fields__}
