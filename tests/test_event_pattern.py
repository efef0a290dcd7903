"""EventBridge event patterns against CloudTrail records wrapped as EventBridge events."""

from __future__ import annotations

from typing import Any

import pytest
from builders import declared_events, monitoring_module
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.analysis.cloudtrail_events import (
    EC2_SECURITY_GROUP_EVENTS,
    Event,
    api_call,
    event_label,
    uncovered_by,
)
from scanner.analysis.event_pattern import as_eventbridge_event, event_rule_matches

SG_RULE = {
    "source": ["aws.ec2"],
    "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventName": [{"prefix": "AuthorizeSecurityGroup"}]},
}


def eb(record: dict[str, Any]) -> dict[str, Any]:
    return as_eventbridge_event(record)


def sg(name: str) -> dict[str, Any]:
    return eb(next(r for r in declared_events("CT410") if r["eventName"] == name))


def test_wrapping_a_cloudtrail_record() -> None:
    event = sg("AuthorizeSecurityGroupIngress")
    assert event["source"] == "aws.ec2"
    assert event["detail-type"] == "AWS API Call via CloudTrail"
    assert event["detail"]["eventName"] == "AuthorizeSecurityGroupIngress"
    assert event["account"] == "123456789012"


def test_console_sign_in_detail_type() -> None:
    login = eb(declared_events("CT402")[0])
    assert login["detail-type"] == "AWS Console Sign In via CloudTrail"
    assert login["source"] == "aws.signin"


def test_sign_in_detail_type_spelling_is_ambiguous() -> None:
    login = eb(declared_events("CT402")[0])
    by_source = {"source": ["aws.signin"], "detail": {"eventName": ["ConsoleLogin"]}}
    assert event_rule_matches(by_source, login) is True
    one = dict(by_source, **{"detail-type": ["AWS Console Sign In via CloudTrail"]})
    both = dict(
        by_source,
        **{"detail-type": ["AWS Console Sign In via CloudTrail", "AWS Console Signin via CloudTrail"]},
    )
    api_only = dict(by_source, **{"detail-type": ["AWS API Call via CloudTrail"]})
    assert event_rule_matches(one, login) is None
    assert event_rule_matches(both, login) is True
    assert event_rule_matches(api_only, login) is False


def test_prefix_rule_from_the_brief() -> None:
    assert event_rule_matches(SG_RULE, sg("AuthorizeSecurityGroupIngress")) is True
    assert event_rule_matches(SG_RULE, sg("AuthorizeSecurityGroupEgress")) is True
    assert event_rule_matches(SG_RULE, sg("RevokeSecurityGroupIngress")) is False
    assert event_rule_matches(SG_RULE, sg("AuthorizeDBSecurityGroupIngress")) is False  # source rds


def test_exact_values_in_a_list() -> None:
    rule = {"source": ["aws.ec2"], "detail": {"eventName": [e.name for e in EC2_SECURITY_GROUP_EVENTS]}}
    missing, unknown = uncovered_by(
        [eb(r) for r in declared_events("CT410")], [lambda e: event_rule_matches(rule, e)]
    )
    assert len(missing) == 12 and "DeleteDBSecurityGroup" in missing and unknown == []


def test_suffix_and_ignore_case() -> None:
    event = sg("DeleteSecurityGroup")
    assert event_rule_matches({"detail": {"eventName": [{"suffix": "SecurityGroup"}]}}, event) is True
    assert event_rule_matches(
        {"detail": {"eventName": [{"suffix": {"equals-ignore-case": "securitygroup"}}]}}, event
    )
    assert event_rule_matches(
        {"detail": {"eventName": [{"equals-ignore-case": "deletesecuritygroup"}]}}, event
    )
    assert event_rule_matches({"detail": {"eventName": ["deletesecuritygroup"]}}, event) is False


def test_anything_but_forms() -> None:
    event = sg("DeleteSecurityGroup")
    assert (
        event_rule_matches({"detail": {"eventName": [{"anything-but": "CreateSecurityGroup"}]}}, event)
        is True
    )
    assert (
        event_rule_matches({"detail": {"eventName": [{"anything-but": ["DeleteSecurityGroup", "X"]}]}}, event)
        is False
    )
    assert (
        event_rule_matches({"detail": {"eventName": [{"anything-but": {"prefix": "Delete"}}]}}, event)
        is False
    )
    assert event_rule_matches({"detail": {"errorCode": [{"anything-but": "AccessDenied"}]}}, event) is False


def test_exists() -> None:
    event = sg("DeleteSecurityGroup")
    assert event_rule_matches({"detail": {"errorCode": [{"exists": False}]}}, event) is True
    assert event_rule_matches({"detail": {"errorCode": [{"exists": True}]}}, event) is False
    assert event_rule_matches({"detail": {"eventName": [{"exists": True}]}}, event) is True
    assert event_rule_matches({"detail": {"userIdentity": {"invokedBy": [{"exists": False}]}}}, event) is True


def test_nested_keys() -> None:
    root = eb(declared_events("CT403")[0])
    rule = {"detail": {"userIdentity": {"type": ["Root"]}}}
    assert event_rule_matches(rule, root) is True
    assert event_rule_matches(rule, sg("DeleteSecurityGroup")) is False


def test_numeric_and_cidr() -> None:
    event = {"detail": {"n": 5, "ip": "10.0.0.7", "s": "5"}}
    assert event_rule_matches({"detail": {"n": [{"numeric": [">", 0, "<=", 5]}]}}, event) is True
    assert event_rule_matches({"detail": {"n": [{"numeric": ["<", 5]}]}}, event) is False
    assert event_rule_matches({"detail": {"s": [{"numeric": [">", 0]}]}}, event) is False
    assert event_rule_matches({"detail": {"ip": [{"cidr": "10.0.0.0/24"}]}}, event) is True
    assert event_rule_matches({"detail": {"ip": [{"cidr": "10.0.1.0/24"}]}}, event) is False


def test_type_sensitive_literals() -> None:
    event = {"detail": {"n": 5, "flag": True, "nothing": None}}
    assert event_rule_matches({"detail": {"n": [5]}}, event) is True
    assert event_rule_matches({"detail": {"n": ["5"]}}, event) is False
    assert event_rule_matches({"detail": {"flag": [True]}}, event) is True
    assert event_rule_matches({"detail": {"nothing": [None]}}, event) is True


def test_wildcard() -> None:
    event = sg("RevokeSecurityGroupEgress")
    assert event_rule_matches({"detail": {"eventName": [{"wildcard": "*SecurityGroup*"}]}}, event) is True
    assert event_rule_matches({"detail": {"eventName": [{"wildcard": "Revoke*Ingress"}]}}, event) is False
    assert event_rule_matches({"detail": {"eventName": [{"wildcard": "Revoke\\*"}]}}, event) is False


def test_or_combinator() -> None:
    rule = {
        "source": ["aws.ec2", "aws.rds"],
        "$or": [
            {"detail": {"eventName": [{"prefix": "AuthorizeSecurityGroup"}]}},
            {"detail": {"eventName": [{"suffix": "DBSecurityGroup"}]}},
        ],
    }
    assert event_rule_matches(rule, sg("AuthorizeSecurityGroupEgress")) is True
    assert event_rule_matches(rule, sg("DeleteDBSecurityGroup")) is True
    assert event_rule_matches(rule, sg("DeleteSecurityGroup")) is False


def test_list_valued_event_field() -> None:
    event = {"resources": ["arn:a", "arn:b"]}
    assert event_rule_matches({"resources": ["arn:b"]}, event) is True
    assert event_rule_matches({"resources": ["arn:c"]}, event) is False


@pytest.mark.parametrize(
    "rule",
    [
        {},
        {"detail": {"eventName": [{"no-such-operator": "x"}]}},
        {"detail": {"eventName": []}},
        {"detail": {"eventName": "not-a-list"}},
        {"detail": {"eventName": [{"prefix": 5}]}},
        {"detail": {"eventName": [{"numeric": [">"]}]}},
        {"$or": [{"source": ["aws.ec2"]}]},
    ],
)
def test_unsupported_or_malformed_rules_are_unknown(rule: dict[str, Any]) -> None:
    assert event_rule_matches(rule, sg("DeleteSecurityGroup")) is None


def test_unresolved_token_in_rule_is_unknown() -> None:
    rule = {"detail": {"eventSource": ["${var.source}"]}}
    assert event_rule_matches(rule, sg("DeleteSecurityGroup")) is None


def test_unknown_does_not_hide_a_sure_false() -> None:
    rule = {"source": ["aws.kms"], "detail": {"eventName": [{"no-such-operator": "x"}]}}
    assert event_rule_matches(rule, sg("DeleteSecurityGroup")) is False


def test_cis_cmk_rule_covers_kms_item() -> None:
    rule = {
        "source": ["aws.kms"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {"eventSource": ["kms.amazonaws.com"], "eventName": ["DisableKey", "ScheduleKeyDeletion"]},
    }
    events = [eb(r) for r in declared_events("CT407")]
    assert uncovered_by(events, [lambda e: event_rule_matches(rule, e)]) == ([], [])


def test_catalogue_shape() -> None:
    ids = [f"CT{n}" for n in range(401, 416)]
    counts = {pid: len(declared_events(pid)) for pid in ids}
    assert counts["CT404"] == 16 and counts["CT405"] == 5 and counts["CT407"] == 2
    assert counts["CT408"] == 9 and counts["CT409"] == 4 and counts["CT410"] == 18
    assert counts["CT411"] == 6 and counts["CT412"] == 6 and counts["CT413"] == 7
    assert counts["CT414"] == 11 and counts["CT415"] == 18
    assert len(monitoring_module("CT410").CIS_EVENTS) == 6
    for pid in ids:
        assert monitoring_module(pid).TITLE
        samples = declared_events(pid)
        labels = [event_label(s) for s in samples]
        assert len(labels) == len(set(labels)), pid
        for s in samples:
            assert s["eventSource"].endswith(".amazonaws.com")


def test_event_label() -> None:
    assert event_label(api_call(EC2_SECURITY_GROUP_EVENTS[0])) == "AuthorizeSecurityGroupIngress"
    assert event_label(declared_events("CT401")[0]) == "RunInstances (errorCode Client.UnauthorizedOperation)"


json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(alphabet="ab*${}", max_size=4))
json_value = st.recursive(
    json_leaf,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(["a", "b", "$or"]), children, max_size=3),
    ),
    max_leaves=10,
)
operator_objects = st.dictionaries(
    st.sampled_from(
        [
            "prefix",
            "suffix",
            "anything-but",
            "numeric",
            "exists",
            "wildcard",
            "cidr",
            "equals-ignore-case",
            "x",
        ]
    ),
    json_value,
    min_size=1,
    max_size=2,
)
rule_leaf = st.lists(st.one_of(json_leaf, operator_objects), max_size=3)
rules = st.recursive(
    st.dictionaries(st.sampled_from(["a", "b"]), rule_leaf, max_size=2),
    lambda children: st.dictionaries(
        st.sampled_from(["a", "b", "$or"]), st.one_of(children, st.lists(children, max_size=3)), max_size=3
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(rules, st.dictionaries(st.sampled_from(["a", "b"]), json_value, max_size=3))
def test_event_rule_matches_never_raises(rule: dict[str, Any], event: dict[str, Any]) -> None:
    assert event_rule_matches(rule, event) in (True, False, None)


def test_an_unresolved_value_decides_only_where_the_other_fields_match() -> None:
    # jsonencode({... policyId = [aws_organizations_policy.x.id]}) as the front ends keep
    # it: the computed id is the policy's token, every other field is known.
    rule = {
        "source": ["aws.organizations"],
        "detail": {
            "eventName": ["UpdatePolicy", "AttachPolicy"],
            "requestParameters": {"policyId": ["${aws_organizations_policy.scp}"]},
        },
    }
    ec2 = eb(api_call(Event("RunInstances", "ec2.amazonaws.com")))
    assert event_rule_matches(rule, ec2) is False  # the source already excludes it
    other = eb(api_call(Event("CreateAccount", "organizations.amazonaws.com")))
    assert event_rule_matches(rule, other) is False  # so does the event name
    without = eb(api_call(Event("UpdatePolicy", "organizations.amazonaws.com")))
    assert event_rule_matches(rule, without) is False  # no policyId in the event
    update = api_call(Event("UpdatePolicy", "organizations.amazonaws.com"))
    update["requestParameters"] = {"policyId": "p-1234"}
    assert event_rule_matches(rule, eb(update)) is None  # only the unknown id decides
