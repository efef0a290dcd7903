"""``AWS::CloudWatch::Alarm`` → ``Alarm``: the metric it watches and where it sends."""

from __future__ import annotations

from scanner.model import Alarm, Attr, Origin
from scanner.parsers.cloudformation.decode import PosDict
from scanner.parsers.cloudformation.intrinsics import NO_VALUE
from scanner.parsers.cloudformation.records.record import record_fields
from scanner.parsers.cloudformation.records.resource import Resource, Scope
from scanner.parsers.cloudformation.values import Unresolved, to_str
from scanner.parsers.common import UnknownValue, first_unknown

KIND = "AWS::CloudWatch::Alarm"


def alarms(scope: Scope) -> tuple[Alarm, ...]:
    return tuple(alarm(scope, res) for res in scope.of(KIND))


def alarm(scope: Scope, res: Resource) -> Alarm:
    vals, props, dspan = scope.values(res), res.props, scope.default_span(res)
    metric_name = vals.scalar(props, "MetricName", "str", None, dspan)
    namespace = vals.scalar(props, "Namespace", "str", None, dspan)
    if metric_name.origin is Origin.DEFAULT:
        # A metric-math alarm names its metric inside Metrics[].MetricStat.Metric.
        try:
            for item, item_span in vals.items(props, "Metrics"):
                stat = vals.node(item, "MetricStat")
                inner = vals.node(stat, "Metric") if isinstance(stat, PosDict) else None
                if isinstance(inner, PosDict):
                    metric_name = vals.scalar(inner, "MetricName", "str", None, item_span)
                    namespace = vals.scalar(inner, "Namespace", "str", None, item_span)
                    break
        except Unresolved as exc:
            metric_name = Attr.unknown(dspan, exc.reason, "MetricName")
            namespace = Attr.unknown(dspan, exc.reason, "Namespace")
    return Alarm(
        **record_fields(scope, res),
        metric_name=metric_name,
        namespace=namespace,
        actions_enabled=vals.scalar(props, "ActionsEnabled", "bool", True, dspan),
        actions=_actions(scope, res),
    )


def _actions(scope: Scope, res: Resource) -> Attr[tuple[str, ...]]:
    """``AlarmActions``: the targets that resolve; UNKNOWN only when none does."""
    key = "AlarmActions"
    vals, props = scope.values(res), res.props
    if vals.node(props, key) is NO_VALUE:
        return Attr.default((), scope.default_span(res), key)
    span = vals.key_span(props, key)
    value = res.resolver.resolve(props[key])
    if isinstance(value, UnknownValue):
        return Attr.unknown(span, f"{key}: {value.reason}", key)
    items = value if isinstance(value, list) else [value]
    # An item that names a topic by reference stays followable when its ARN is not known:
    # the topic's ``${<ref>}`` token (see ``scanner.model``).
    items = ["${" + i.target + "}" if isinstance(i, UnknownValue) and i.target else i for i in items]
    known = tuple(t for t in (to_str(i) for i in items if not isinstance(i, UnknownValue)) if t)
    unknown = first_unknown(items)
    if not known and unknown is not None:
        return Attr.unknown(span, f"{key}: {unknown.reason}", key)
    return Attr.explicit(known, span, key)
