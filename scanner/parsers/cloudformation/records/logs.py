"""``AWS::Logs::LogGroup`` → ``LogGroup`` and ``AWS::Logs::MetricFilter`` → ``MetricFilter``."""

from __future__ import annotations

from typing import Any

from scanner import arns
from scanner.model import Attr, LogGroup, MetricFilter
from scanner.parsers.cloudformation.intrinsics import NO_VALUE
from scanner.parsers.cloudformation.records.record import record_fields
from scanner.parsers.cloudformation.records.resource import Resource, Scope, derived
from scanner.parsers.cloudformation.values import Unresolved
from scanner.parsers.common import UnknownValue

LOG_GROUP_KIND = "AWS::Logs::LogGroup"
METRIC_FILTER_KIND = "AWS::Logs::MetricFilter"


def log_groups(scope: Scope) -> tuple[LogGroup, ...]:
    return tuple(log_group(scope, res) for res in scope.of(LOG_GROUP_KIND))


def metric_filters(scope: Scope) -> tuple[MetricFilter, ...]:
    return tuple(metric_filter(scope, res) for res in scope.of(METRIC_FILTER_KIND))


def log_group(scope: Scope, res: Resource) -> LogGroup:
    vals, props, dspan = scope.values(res), res.props, scope.default_span(res)
    name = scope.name_attr(res, "LogGroupName")
    # The model's ARN has no ``:*`` suffix (CloudFormation's Arn attribute has one).
    arn = derived(name, arns.log_group(str(name.value)), "Arn")
    return LogGroup(
        **record_fields(scope, res),
        name=name,
        arn=arn,
        retention_days=vals.scalar(props, "RetentionInDays", "int", None, dspan),
        kms_key_id=vals.scalar(props, "KmsKeyId", "str", None, dspan),
    )


def metric_filter(scope: Scope, res: Resource) -> MetricFilter:
    """The first of ``MetricTransformations`` names the metric (CloudFormation allows one)."""
    vals, props, dspan = scope.values(res), res.props, scope.default_span(res)
    transform: Any = NO_VALUE
    t_span = dspan
    try:
        items = vals.items(props, "MetricTransformations")
        if items:
            transform, t_span = items[0]
    except Unresolved as exc:
        transform = UnknownValue(exc.reason)
        t_span = vals.key_span(props, "MetricTransformations")

    def metric(key: str) -> Attr[str]:
        if isinstance(transform, UnknownValue):
            return Attr.unknown(t_span, f"MetricTransformations: {transform.reason}", key)
        return vals.scalar(transform, key, "str", None, t_span)

    return MetricFilter(
        **record_fields(scope, res),
        log_group_name=vals.scalar(props, "LogGroupName", "str", None, dspan),
        pattern=vals.scalar(props, "FilterPattern", "str", None, dspan),
        metric_name=metric("MetricName"),
        metric_namespace=metric("MetricNamespace"),
    )
