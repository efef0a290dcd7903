"""Metric-filter pattern parsing and semantic matching against CloudTrail records."""

from __future__ import annotations

import pytest
from builders import declared_events
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.ct410_monitor_security_group_changes import CIS_EVENTS as CIS_SECURITY_GROUP_EVENTS
from scanner.analysis.cloudtrail_events import (
    CLOUDTRAIL_EVENTS,
    EC2_SECURITY_GROUP_EVENTS,
    IAM_POLICY_EVENTS,
    S3_POLICY_EVENTS,
    SECURITY_GROUP_EVENTS,
    api_call,
    uncovered,
)
from scanner.analysis.filter_pattern import (
    And,
    Compare,
    Delimited,
    FilterPatternError,
    MatchAll,
    Not,
    NotExists,
    Or,
    Terms,
    matches,
    matches_pattern,
    parse,
)

# CIS AWS Foundations Benchmark patterns (v3/v4 section 4).
CIS_UNAUTHORIZED_V4 = (
    '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && '
    '($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }'
)
CIS_UNAUTHORIZED_SHORT = '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'
CIS_NO_MFA = '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }'
CIS_NO_MFA_STRICT = (
    '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
    '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }'
)
CIS_ROOT = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'
CIS_IAM = (
    "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)"
    "||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)"
    "||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)"
    "||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)"
    "||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)"
    "||($.eventName=DetachGroupPolicy)}"
)
CIS_CLOUDTRAIL = (
    "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || "
    "($.eventName = StartLogging) || ($.eventName = StopLogging) }"
)
CIS_AUTH_FAILURE = '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'
CIS_CMK = (
    "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }"
)
CIS_S3 = (
    "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || "
    "($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || "
    "($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || "
    "($.eventName = DeleteBucketReplication)) }"
)
CIS_SG = (
    "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || "
    "($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || "
    "($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }"
)


def covered_names(pattern: str, policy_id: str) -> tuple[list[str], list[str]]:
    return uncovered(declared_events(policy_id), [parse(pattern)])


# ---------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------


def test_empty_pattern_matches_everything() -> None:
    assert parse("") == MatchAll()
    assert parse("   ") == MatchAll()
    assert matches(parse(""), {"eventName": "X"}) is True


def test_single_comparison() -> None:
    node = parse('{ $.eventName = "ConsoleLogin" }')
    assert isinstance(node, Compare)
    assert node.selector.path == ("eventName",)
    assert node.value.text == "ConsoleLogin" and node.value.quoted


def test_and_binds_tighter_than_or() -> None:
    node = parse("{ $.a = 1 || $.b = 2 && $.c = 3 }")
    assert isinstance(node, Or)
    assert isinstance(node.operands[1], And)


def test_selectors_with_indexes_and_dashes() -> None:
    node = parse("{ $.resources[0].ARN = x && $.a-b_c.d[12] = y }")
    assert isinstance(node, And)
    assert node.operands[0].selector.path == ("resources", 0, "ARN")
    assert node.operands[1].selector.path == ("a-b_c", "d", 12)


def test_negation_needs_parentheses() -> None:
    assert isinstance(parse("{ !($.eventName = X) }"), Not)
    with pytest.raises(FilterPatternError) as err:
        parse("{ !$.eventName = X }")
    assert err.value.position == 2


def test_not_exists_and_is_forms() -> None:
    assert isinstance(parse("{ $.userIdentity.invokedBy NOT EXISTS }"), NotExists)
    assert parse("{ $.flag IS TRUE }").what == "TRUE"
    assert parse("{ $.thing is null }").what == "NULL"


def test_numbers_and_regex_values() -> None:
    assert parse("{ $.latency >= 500 }").value.number == 500
    assert parse("{ $.n < 10e-3 }").value.number == pytest.approx(0.01)
    assert parse("{ $.eventName = %Delete.*Group% }").value.kind == "regex"


def test_term_and_delimited_forms() -> None:
    assert parse('ERROR "two words" ?a -b') == Terms(("ERROR", "two words"), ("a",), ("b",))
    assert isinstance(parse("[ip, user, ..., status_code = 4*, bytes]"), Delimited)


@pytest.mark.parametrize(
    ("pattern", "position", "fragment"),
    [
        ("{ $.eventName = ConsoleLogin", 28, "missing '}'"),
        ("{ ($.eventName = X }", 19, "expected ')'"),
        ("{ $.eventName }", 14, "expected an operator"),
        ("{ $.eventName = }", 16, "expected a value"),
        ('{ $.eventName = "abc }', 16, "unterminated"),
        ("{ $.eventName = X } extra", 20, "after the closing"),
        ("{ $. = X }", 4, "property name"),
        ("{ eventName = X }", 2, "expected a selector"),
        ("{ $.a < abc }", 8, "needs a number"),
        ("{ $.a = X &&  }", 14, "unexpected"),
        ("{ $.a = %[% }", 8, "invalid regular expression"),
        ("[a, b", 5, "missing ']'"),
    ],
)
def test_parse_errors_have_positions(pattern: str, position: int, fragment: str) -> None:
    with pytest.raises(FilterPatternError) as err:
        parse(pattern)
    assert err.value.position == position, err.value
    assert fragment in err.value.message


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(FilterPatternError):
        parse("{ " + "(" * 500 + "$.a = 1" + ")" * 500 + " }")


def test_long_or_chain_evaluates() -> None:
    pattern = "{ " + " || ".join(f"$.eventName = E{i}" for i in range(400)) + " }"
    assert matches(parse(pattern), {"eventName": "E399"}) is True


# ---------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------


def test_quoted_and_unquoted_values_are_equal() -> None:
    event = {"eventName": "CreateTrail"}
    assert matches_pattern('{ $.eventName = "CreateTrail" }', event) is True
    assert matches_pattern("{ $.eventName = CreateTrail }", event) is True
    assert matches_pattern("{$.eventName=CreateTrail}", event) is True


def test_values_are_case_sensitive() -> None:
    assert matches_pattern("{ $.eventName = createtrail }", {"eventName": "CreateTrail"}) is False


def test_prefix_suffix_and_both_wildcards() -> None:
    event = {"errorCode": "Client.UnauthorizedOperation"}
    assert matches_pattern("{ $.errorCode = *UnauthorizedOperation }", event) is True
    assert matches_pattern("{ $.errorCode = Client.* }", event) is True
    assert matches_pattern("{ $.errorCode = *Unauthorized* }", event) is True
    assert matches_pattern("{ $.errorCode = AccessDenied* }", event) is False


def test_infix_wildcard_is_unknown_where_readings_differ() -> None:
    node = parse("{ $.eventName = Delete*SecurityGroup }")
    assert matches(node, {"eventName": "DeleteDBSecurityGroup"}) is None
    assert matches(node, {"eventName": "CreateSecurityGroup"}) is False
    assert matches(node, {"eventName": "Delete*SecurityGroup"}) is True


def test_missing_field_makes_comparisons_false() -> None:
    assert matches_pattern("{ $.errorCode = * }", {"eventName": "X"}) is False
    assert matches_pattern("{ $.errorCode != AccessDenied }", {"eventName": "X"}) is False
    assert matches_pattern("{ $.errorCode NOT EXISTS }", {"eventName": "X"}) is True


def test_not_equals_on_present_value() -> None:
    assert matches_pattern('{ $.eventType != "AwsServiceEvent" }', {"eventType": "AwsApiCall"}) is True
    assert matches_pattern('{ $.eventType != "AwsServiceEvent" }', {"eventType": "AwsServiceEvent"}) is False


def test_object_valued_selector_never_matches() -> None:
    event = {"users": [1, 2, 3], "userIdentity": {"type": "Root"}}
    assert matches_pattern("{ $.users = 1 }", event) is False
    assert matches_pattern("{ $.users != 1 }", event) is False
    assert matches_pattern("{ $.userIdentity != x }", event) is False


def test_array_index_selector() -> None:
    event = {"resources": [{"ARN": "arn:a"}, {"ARN": "arn:b"}]}
    assert matches_pattern('{ $.resources[1].ARN = "arn:b" }', event) is True
    assert matches_pattern('{ $.resources[2].ARN = "arn:b" }', event) is False


def test_numeric_comparisons() -> None:
    event = {"latency": 750, "count": "12"}
    assert matches_pattern("{ $.latency >= 500 }", event) is True
    assert matches_pattern("{ $.latency < 500 }", event) is False
    assert matches_pattern("{ $.latency = 750 }", event) is True
    assert matches_pattern("{ $.latency != 750 }", event) is False
    assert matches_pattern("{ $.count > 5 }", event) is None


def test_is_true_false_null() -> None:
    event = {"flag": True, "nothing": None}
    assert matches_pattern("{ $.flag IS TRUE }", event) is True
    assert matches_pattern("{ $.flag IS FALSE }", event) is False
    assert matches_pattern("{ $.nothing IS NULL }", event) is True
    assert matches_pattern("{ $.absent IS NULL }", event) is False


def test_regex_value() -> None:
    assert (
        matches_pattern("{ $.eventName = %^Delete.*Group$% }", {"eventName": "DeleteDBSecurityGroup"}) is True
    )
    assert matches_pattern("{ $.eventName = %^Create% }", {"eventName": "DeleteDBSecurityGroup"}) is False


def test_negation() -> None:
    assert matches_pattern("{ !($.eventName = X) }", {"eventName": "Y"}) is True
    assert matches_pattern("{ !($.eventName = X || $.eventName = Y) }", {"eventName": "Y"}) is False


def test_negation_of_unknown_stays_unknown() -> None:
    assert (
        matches_pattern("{ !($.eventName = Delete*Group) }", {"eventName": "DeleteDBSecurityGroup"}) is None
    )


def test_term_patterns_are_sure_only_when_found() -> None:
    event = api_call(CLOUDTRAIL_EVENTS[0])
    assert matches_pattern("CreateTrail", event) is True
    assert matches_pattern("SomethingElse", event) is None
    assert matches_pattern("-CreateTrail", event) is False
    assert matches_pattern("?StopLogging ?CreateTrail", event) is True
    assert matches_pattern("[a, b]", event) is None


def test_and_where_or_was_meant_matches_nothing() -> None:
    node = parse("{ ($.eventName = CreateTrail) && ($.eventName = DeleteTrail) }")
    for event in declared_events("CT405"):
        assert matches(node, event) is False


def test_unparseable_pattern_gives_unknown_through_helper() -> None:
    assert matches_pattern("{ $.eventName = ", {"eventName": "X"}) is None


# ---------------------------------------------------------------------------
# CIS patterns against the catalogue's samples
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", [CIS_UNAUTHORIZED_V4, CIS_UNAUTHORIZED_SHORT])
def test_cis_unauthorized_api_calls(pattern: str) -> None:
    assert covered_names(pattern, "CT401") == ([], [])


def test_unauthorized_filter_for_ec2_only_misses_access_denied() -> None:
    missing, unknown = covered_names('{ $.errorCode = "*UnauthorizedOperation" }', "CT401")
    assert missing == ["ListUsers (errorCode AccessDenied)"] and unknown == []


@pytest.mark.parametrize("pattern", [CIS_NO_MFA, CIS_NO_MFA_STRICT, '{ $.eventName = "ConsoleLogin" }'])
def test_cis_console_login_without_mfa_and_broader_filters_cover(pattern: str) -> None:
    assert covered_names(pattern, "CT402") == ([], [])


def test_mfa_filter_with_wrong_operator_does_not_cover() -> None:
    wrong = '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed = "Yes") }'
    assert covered_names(wrong, "CT402") == (["ConsoleLogin (without MFA)"], [])


def test_cis_root_usage() -> None:
    assert covered_names(CIS_ROOT, "CT403") == ([], [])


def test_root_filter_without_root_clause_still_covers_but_wrong_type_does_not() -> None:
    assert covered_names('{ $.userIdentity.type = "IAMUser" }', "CT403")[0] == [
        "CreateAccessKey (by root)",
        "ConsoleLogin (by root, without MFA)",
    ]


def test_root_filter_matching_service_events_only_misses() -> None:
    wrong = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy EXISTS_NOT }'
    with pytest.raises(FilterPatternError):
        parse(wrong)


def test_cis_iam_policy_changes_all_sixteen() -> None:
    assert len(IAM_POLICY_EVENTS) == 16
    assert covered_names(CIS_IAM, "CT404") == ([], [])


def test_iam_filter_missing_one_event() -> None:
    pattern = CIS_IAM.replace("||($.eventName=DetachGroupPolicy)", "")
    assert covered_names(pattern, "CT404") == (["DetachGroupPolicy"], [])


def test_cis_cloudtrail_changes_split_across_filters() -> None:
    first = "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) }"
    second = '{ $.eventName = "StartLogging" || $.eventName = "StopLogging" }'
    assert uncovered(declared_events("CT405"), [parse(first), parse(second)]) == ([], [])
    assert uncovered(declared_events("CT405"), [parse(first)]) == (["StartLogging", "StopLogging"], [])
    assert covered_names(CIS_CLOUDTRAIL, "CT405") == ([], [])


def test_cis_console_auth_failures() -> None:
    assert covered_names(CIS_AUTH_FAILURE, "CT406") == ([], [])
    assert covered_names(CIS_NO_MFA.replace("!=", "="), "CT406")[0] == [
        "ConsoleLogin (errorMessage 'Failed authentication')"
    ]


def test_cis_cmk_with_nested_or() -> None:
    assert covered_names(CIS_CMK, "CT407") == ([], [])
    wrong_source = CIS_CMK.replace("kms.amazonaws.com", "kms")
    assert covered_names(wrong_source, "CT407")[0] == ["DisableKey", "ScheduleKeyDeletion"]


def test_cis_s3_bucket_policy_changes() -> None:
    assert len(S3_POLICY_EVENTS) == 9
    assert covered_names(CIS_S3, "CT408") == ([], [])


def test_cis_security_groups_cover_ec2_six_only() -> None:
    assert uncovered(CIS_SECURITY_GROUP_EVENTS, [parse(CIS_SG)]) == ([], [])
    missing, unknown = uncovered(declared_events("CT410"), [parse(CIS_SG)])
    assert "DeleteDBSecurityGroup" in missing and len(missing) == 12 and unknown == []
    assert len(SECURITY_GROUP_EVENTS) == 18 and len(EC2_SECURITY_GROUP_EVENTS) == 6


def test_security_group_wildcards() -> None:
    pattern = "{ ($.eventName = *SecurityGroup) || ($.eventName = *SecurityGroupIngress) || ($.eventName = *SecurityGroupEgress) }"
    assert uncovered(declared_events("CT410"), [parse(pattern)]) == ([], [])
    infix = "{ ($.eventName = Delete*SecurityGroup) || ($.eventName = Create*SecurityGroup) }"
    missing, unknown = uncovered(declared_events("CT410"), [parse(infix)])
    # The guide calls an infix star literal; a wildcard reading would differ: unknown.
    assert "DeleteDBSecurityGroup" in unknown and "DeleteSecurityGroup" in unknown
    assert "AuthorizeSecurityGroupIngress" in missing


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_parse_raises_only_filter_pattern_error(text: str) -> None:
    try:
        node = parse(text)
    except FilterPatternError as err:
        assert 0 <= err.position <= len(text)
        return
    matches(node, {"eventName": "X", "a": [1, {"b": None}], "n": 3})


pattern_alphabet = st.text(alphabet='{}()$.[]0123456789ab=!<>&|" *%?-', max_size=40)


@settings(max_examples=200, deadline=None)
@given(pattern_alphabet)
def test_parse_on_pattern_like_text(text: str) -> None:
    try:
        node = parse(text)
    except FilterPatternError as err:
        assert 0 <= err.position <= len(text)
        return
    assert matches(node, {"a": "b", "b": {"a": 1}}) in (True, False, None)


names = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12
)


@settings(max_examples=200, deadline=None)
@given(names, names, names, st.booleans())
def test_or_of_two_names_matches_exactly_those(a: str, b: str, other: str, quoted: bool) -> None:
    q = '"' if quoted else ""
    node = parse(f"{{ ($.eventName = {q}{a}{q}) || ($.eventName = {q}{b}{q}) }}")
    assert matches(node, {"eventName": a}) is True
    assert matches(node, {"eventName": b}) is True
    assert matches(node, {"eventName": other}) is (other in (a, b))
    assert matches(node, {"eventSource": a}) is False
