"""The monitoring engine (scanner.analysis.monitoring) and CT401-CT415 on hand-built models.

The engine is tested thoroughly through CT410 and CT405; every other module is checked
lightly: a CIS-style filter for its events passes, and no filter fails.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from builders import (
    cwl_trail,
    declared_events,
    delivering_trail,
    df,
    ex,
    kinds,
    log_group,
    model,
    only,
    sp,
    unk,
)

from policies.ct410_monitor_security_group_changes import CIS_EVENTS as CIS_SECURITY_GROUP_EVENTS
from scanner.analysis import cloudtrail_events
from scanner.engine import load_policies
from scanner.model import Alarm, EventRule, EventSelector, MetricFilter, Model, Settings, Topic, Trail
from scanner.policy import Fail, Pass, Unknown

POLICIES = {s.id: s for s in load_policies() if s.id.startswith("CT4")}


def names(policy_id: str) -> list[str]:
    return [str(e["eventName"]) for e in declared_events(policy_id)]


def name_pattern(events: list[str]) -> str:
    return "{ " + " || ".join(f"($.eventName = {n})" for n in events) + " }"


CIS_PATTERNS: dict[str, str] = {
    "CT401": '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
    "CT402": '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
    "CT403": '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    "CT406": '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    "CT407": "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }",
    "CT415": "{ ($.eventSource = organizations.amazonaws.com) }",
}


def pattern_for(policy_id: str) -> str:
    return CIS_PATTERNS.get(policy_id) or name_pattern(list(dict.fromkeys(names(policy_id))))


def mfilter(ref: str, pattern: Any, metric: str, line: int = 120, group: Any = None) -> MetricFilter:
    return MetricFilter(
        ref=ref,
        span=sp(line),
        unit=".",
        kind="aws_cloudwatch_log_metric_filter",
        log_group_name=group if group is not None else ex("trail-events", line + 1),
        pattern=pattern if isinstance(pattern, type(ex(""))) else ex(pattern, line + 2),
        metric_name=ex(metric, line + 3),
        metric_namespace=ex("CISBenchmark", line + 4),
    )


def named(attr: Any, name: str) -> Any:
    """``attr`` with the Terraform spelling, unless a test gave it another one."""
    return attr if attr.name else replace(attr, name=name)


def alarm(ref: str, metric: str, actions: Any = None, line: int = 140, enabled: Any = None) -> Alarm:
    return Alarm(
        ref=ref,
        span=sp(line),
        unit=".",
        kind="aws_cloudwatch_metric_alarm",
        metric_name=ex(metric, line + 1),
        namespace=ex("CISBenchmark", line + 2),
        actions_enabled=named(enabled if enabled is not None else df(True, line), "actions_enabled"),
        actions=actions if actions is not None else ex(("${aws_sns_topic.alarms}",), line + 3),
    )


def topic(subscribed: bool = True) -> Topic:
    return Topic(
        ref="aws_sns_topic.alarms",
        span=sp(160),
        unit=".",
        kind="aws_sns_topic",
        name=ex("${aws_sns_topic.alarms}", 160),
        arn=ex("${aws_sns_topic.alarms}", 160),
        subscriptions=("aws_sns_topic_subscription.oncall",) if subscribed else (),
    )


def event_rule(pattern: Any, targets: tuple[str, ...] = ("${aws_sns_topic.alarms}",), enabled: Any = None) -> EventRule:
    return EventRule(
        ref="aws_cloudwatch_event_rule.watch",
        span=sp(170),
        unit=".",
        kind="aws_cloudwatch_event_rule",
        name=ex("watch", 171),
        pattern=pattern if not isinstance(pattern, dict) else ex(pattern, 172),
        enabled=enabled if enabled is not None else df(True, 170),
        targets=targets,
    )


def watched(policy_id: str, *filters: MetricFilter, alarms: tuple[Alarm, ...] | None = None, t: Trail | None = None, **kw: Any) -> Model:
    if alarms is None:
        alarms = tuple(alarm(f"aws_cloudwatch_metric_alarm.{f.metric_name.value}", str(f.metric_name.value), line=140 + i) for i, f in enumerate(filters))
    kw.setdefault("topics", (topic(),))
    return model(t or cwl_trail(), log_groups=(log_group(),), metric_filters=filters, alarms=alarms, **kw)


def verdict(policy_id: str, m: Model) -> list[Any]:
    func = POLICIES[policy_id].func
    assert func is not None
    return list(func(m))


# ---------------------------------------------------------------------------
# Engine
# ---------------------------------------------------------------------------


def test_cis_filter_with_subscribed_alarm_passes() -> None:
    m = watched("CT405", mfilter("aws_cloudwatch_log_metric_filter.trail", pattern_for("CT405"), "TrailChanges"))
    out = only(verdict("CT405", m), Pass)
    assert out.subject == "aws_cloudwatch_log_group.trail" and out.span.line == 90


def test_seventeen_of_eighteen_security_group_events_names_the_missing_one() -> None:
    events = [n for n in names("CT410") if n != "DeleteDBSecurityGroup"]
    m = watched("CT410", mfilter("aws_cloudwatch_log_metric_filter.sg", name_pattern(events), "SGChanges"))
    out = only(verdict("CT410", m), Fail)
    assert "nothing matches DeleteDBSecurityGroup." in out.message
    assert out.span.line == 90 and out.subject == "aws_cloudwatch_log_group.trail"
    # CIS's six EC2 events are enough when the configuration narrows the item.
    narrowed = watched(
        "CT410",
        mfilter("aws_cloudwatch_log_metric_filter.sg", name_pattern([str(e["eventName"]) for e in CIS_SECURITY_GROUP_EVENTS]), "SGChanges"),
        settings=Settings(security_group_events="ec2"),
    )
    assert kinds(verdict("CT410", narrowed)) == ["Pass"]


def test_events_split_across_two_filters_pass() -> None:
    events = names("CT410")
    m = watched(
        "CT410",
        mfilter("aws_cloudwatch_log_metric_filter.ec2", name_pattern(events[:6]), "EC2SG", line=120),
        mfilter("aws_cloudwatch_log_metric_filter.others", name_pattern(events[6:]), "OtherSG", line=130),
    )
    assert kinds(verdict("CT410", m)) == ["Pass"]
    # Each contributing filter needs its own alarm.
    half = watched(
        "CT410",
        mfilter("aws_cloudwatch_log_metric_filter.ec2", name_pattern(events[:6]), "EC2SG", line=120),
        mfilter("aws_cloudwatch_log_metric_filter.others", name_pattern(events[6:]), "OtherSG", line=130),
        alarms=(alarm("aws_cloudwatch_metric_alarm.ec2", "EC2SG"),),
    )
    out = only(verdict("CT410", half), Fail)
    assert "CreateCacheSecurityGroup" in out.message and "AuthorizeSecurityGroupIngress" not in out.message
    assert "metric CISBenchmark/OtherSG of filter aws_cloudwatch_log_metric_filter.others has no alarm" in out.message


def test_alarm_without_actions_fails() -> None:
    f = mfilter("aws_cloudwatch_log_metric_filter.trail", pattern_for("CT405"), "TrailChanges")
    none = alarm("aws_cloudwatch_metric_alarm.trail", "TrailChanges", actions=df((), 140))
    out = only(verdict("CT405", watched("CT405", f, alarms=(none,))), Fail)
    assert "alarm aws_cloudwatch_metric_alarm.trail has no alarm actions" in out.message
    assert "CreateTrail" in out.message
    disabled = alarm("aws_cloudwatch_metric_alarm.trail", "TrailChanges", enabled=ex(False, 141))
    assert "actions_enabled = false" in only(verdict("CT405", watched("CT405", f, alarms=(disabled,))), Fail).message
    # The message names the attribute as the template spells it.
    cfn = alarm("Alarm", "TrailChanges", enabled=replace(ex(False, 141), name="ActionsEnabled"))
    assert "alarm Alarm has ActionsEnabled = false" in only(verdict("CT405", watched("CT405", f, alarms=(cfn,))), Fail).message


def test_topic_without_subscription_is_unknown() -> None:
    f = mfilter("aws_cloudwatch_log_metric_filter.trail", pattern_for("CT405"), "TrailChanges")
    out = only(verdict("CT405", watched("CT405", f, topics=(topic(subscribed=False),))), Unknown)
    assert "has no subscription in the scanned code (CIS requires a subscriber)" in out.reason
    # An action outside the scan (another account's topic) counts.
    external = alarm("aws_cloudwatch_metric_alarm.trail", "TrailChanges", actions=ex(("arn:aws:sns:us-east-1:111122223333:sec",), 143))
    assert kinds(verdict("CT405", watched("CT405", f, alarms=(external,), topics=()))) == ["Pass"]


def test_and_instead_of_or_misses_everything() -> None:
    wrong = "{ ($.eventName = CreateTrail) && ($.eventName = DeleteTrail) }"
    out = only(verdict("CT405", watched("CT405", mfilter("aws_cloudwatch_log_metric_filter.t", wrong, "T"))), Fail)
    assert "CreateTrail, UpdateTrail, DeleteTrail, StartLogging, StopLogging" in out.message


def test_pattern_that_does_not_parse_is_reported() -> None:
    broken = "{ ($.eventName = CreateTrail) || ($.eventName = "
    out = only(verdict("CT405", watched("CT405", mfilter("aws_cloudwatch_log_metric_filter.t", broken, "T"))), Fail)
    assert "pattern of filter aws_cloudwatch_log_metric_filter.t does not parse" in out.message


def test_unknown_pattern_or_group_is_unknown() -> None:
    f = mfilter("aws_cloudwatch_log_metric_filter.t", unk(122), "T")
    assert kinds(verdict("CT405", watched("CT405", f))) == ["Unknown"]
    elsewhere = mfilter("aws_cloudwatch_log_metric_filter.t", pattern_for("CT405"), "T", group=unk(121))
    assert kinds(verdict("CT405", watched("CT405", elsewhere))) == ["Unknown"]
    external = cwl_trail(cloud_watch_logs_group_arn=ex("arn:aws:logs:us-east-1:111122223333:log-group:central:*", 5))
    out = only(verdict("CT405", watched("CT405", t=external)), Unknown)
    assert "not defined in the scanned code" in out.reason and out.span.line == 5


def test_an_unknown_says_which_metric_or_action_cannot_be_resolved() -> None:
    """An UNKNOWN names what could not be resolved and why: the filter's metric, an
    alarm's metric, an alarm's actions."""
    def unresolved(line: int) -> Any:
        return unk(line, "var.project_name has no default and no value")

    pattern = pattern_for("CT405")
    f = replace(mfilter("aws_cloudwatch_log_metric_filter.t", pattern, "T"), metric_name=unresolved(123))
    a = replace(alarm("aws_cloudwatch_metric_alarm.t", "T"), metric_name=unresolved(141))
    out = only(verdict("CT405", watched("CT405", f, alarms=(a,))), Unknown)
    assert ("the metric of filter aws_cloudwatch_log_metric_filter.t cannot be resolved "
            "(var.project_name has no default and no value)") in out.reason
    known = mfilter("aws_cloudwatch_log_metric_filter.t", pattern, "T")
    out = only(verdict("CT405", watched("CT405", known, alarms=(a,))), Unknown)
    assert ("the metric of alarm aws_cloudwatch_metric_alarm.t cannot be resolved "
            "(var.project_name has no default and no value): it may be this one") in out.reason
    silent = alarm("aws_cloudwatch_metric_alarm.T", "T", actions=unresolved(143))
    out = only(verdict("CT405", watched("CT405", known, alarms=(silent,))), Unknown)
    assert "the actions of alarm aws_cloudwatch_metric_alarm.T cannot be resolved (var.project_name" in out.reason


def test_eventbridge_rule_replaces_filters() -> None:
    pattern = {"source": ["aws.cloudtrail"], "detail": {"eventName": ["CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"]}}
    m = model(delivering_trail(), event_rules=(event_rule(pattern),))
    out = only(verdict("CT405", m), Pass)
    assert out.subject == "aws_cloudwatch_event_rule.watch"
    no_target = model(delivering_trail(), event_rules=(event_rule(pattern, targets=()),))
    out = only(verdict("CT405", no_target), Fail)
    assert "has no target" in out.message
    disabled = model(delivering_trail(), event_rules=(event_rule(pattern, enabled=ex(False, 173)),))
    assert kinds(verdict("CT405", disabled)) == ["Fail"]
    # A rule and a filter may share the work.
    partial_rule = event_rule({"source": ["aws.cloudtrail"], "detail": {"eventName": ["StopLogging", "DeleteTrail"]}})
    f = mfilter("aws_cloudwatch_log_metric_filter.t", name_pattern(["CreateTrail", "UpdateTrail", "StartLogging"]), "T")
    assert kinds(verdict("CT405", watched("CT405", f, event_rules=(partial_rule,)))) == ["Pass"]


def test_no_trail_to_cloudwatch_fails_at_first_trail_and_no_trail_gives_nothing() -> None:
    out = only(verdict("CT405", model(delivering_trail())), Fail)
    assert out.message.startswith("No trail delivers management events to CloudWatch Logs")
    assert out.span.line == 1 and out.subject == "aws_cloudtrail.main"
    assert verdict("CT405", model()) == []


def test_trail_that_does_not_record_the_events() -> None:
    f = mfilter("aws_cloudwatch_log_metric_filter.trail", pattern_for("CT405"), "TrailChanges")
    stopped = cwl_trail(enable_logging=ex(False, 8))
    out = only(verdict("CT405", watched("CT405", f, t=stopped)), Fail)
    assert "is not logging" in out.message
    read_only = EventSelector(
        read_write_type=ex("ReadOnly", 9),
        include_management_events=ex(True, 9),
        data_resources=(),
        exclude_management_event_sources=(),
        span=sp(9),
    )
    no_writes = cwl_trail(event_selectors=ex((read_only,), 9))
    assert kinds(verdict("CT405", watched("CT405", f, t=no_writes))) == ["Fail"]


def test_any_watched_trail_passes_and_the_closest_one_is_reported() -> None:
    f = mfilter("aws_cloudwatch_log_metric_filter.trail", pattern_for("CT405"), "TrailChanges")
    both = replace(watched("CT405", f), trails=(delivering_trail("aws_cloudtrail.plain"), cwl_trail()))
    assert kinds(verdict("CT405", both)) == ["Pass"]
    other_group = log_group("aws_cloudwatch_log_group.other", name=ex("other", 181), arn=ex("arn:aws:logs:us-east-1:123456789012:log-group:other", 181), span=sp(180))
    to_other = cwl_trail(ref="aws_cloudtrail.other", cloud_watch_logs_group_arn=ex("arn:aws:logs:us-east-1:123456789012:log-group:other:*", 5))
    partial = mfilter("aws_cloudwatch_log_metric_filter.trail", name_pattern(["CreateTrail"]), "TrailChanges")
    m = replace(watched("CT405", partial), trails=(to_other, cwl_trail()), log_groups=(other_group, log_group()))
    out = only(verdict("CT405", m), Fail)
    assert out.subject == "aws_cloudwatch_log_group.trail" and "CreateTrail," not in out.message


# ---------------------------------------------------------------------------
# Every module: its event set, lightly
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("policy_id", sorted(POLICIES))
def test_each_item_passes_with_its_filter_and_fails_without(policy_id: str) -> None:
    func = POLICIES[policy_id].func
    assert func is not None
    m = watched(policy_id, mfilter("aws_cloudwatch_log_metric_filter.item", pattern_for(policy_id), "Item"))
    assert kinds(list(func(m))) == ["Pass"], list(func(m))
    empty = watched(policy_id)
    out = only(list(func(empty)), Fail)
    first = cloudtrail_events.event_label(declared_events(policy_id)[0])
    assert first in out.message


def test_item_specific_semantics() -> None:
    mfa_yes = '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed = "Yes") }'
    assert kinds(verdict("CT402", watched("CT402", mfilter("aws_cloudwatch_log_metric_filter.m", mfa_yes, "M")))) == ["Fail"]
    no_root = '{ $.userIdentity.type = "IAMUser" }'
    assert kinds(verdict("CT403", watched("CT403", mfilter("aws_cloudwatch_log_metric_filter.r", no_root, "R")))) == ["Fail"]
    only_ec2 = '{ $.errorCode = "*UnauthorizedOperation" }'
    out = only(verdict("CT401", watched("CT401", mfilter("aws_cloudwatch_log_metric_filter.u", only_ec2, "U"))), Fail)
    assert "AccessDenied" in out.message
