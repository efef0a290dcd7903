"""``aws_cloudwatch_log_group`` → ``LogGroup`` and ``aws_cloudwatch_log_metric_filter``
→ ``MetricFilter``."""

from __future__ import annotations

from scanner.model import Attr, LogGroup, MetricFilter
from scanner.parsers.terraform.records.attrs import computed, int_attr, str_attr
from scanner.parsers.terraform.records.context import ResourceInstance, Resources


def log_groups(resources: Resources) -> tuple[LogGroup, ...]:
    return tuple(_log_group(resources, i) for i in resources.of("aws_cloudwatch_log_group"))


def metric_filters(resources: Resources) -> tuple[MetricFilter, ...]:
    return tuple(
        _metric_filter(resources, i) for i in resources.of("aws_cloudwatch_log_metric_filter")
    )


def _log_group(resources: Resources, inst: ResourceInstance) -> LogGroup:
    name_attr = "name" if inst.view.has("name") else "name_prefix"
    return LogGroup(
        **resources.common(inst),
        name=computed(inst, "name", name_attr),
        arn=computed(inst, "arn", name_attr),
        retention_days=int_attr(inst.view, "retention_in_days"),
        kms_key_id=str_attr(inst.view, "kms_key_id"),
    )


def _metric_filter(resources: Resources, inst: ResourceInstance) -> MetricFilter:
    view = inst.view
    transforms = view.blocks("metric_transformation")
    if transforms:
        metric_name = str_attr(transforms[0], "name", source_name="metric_transformation.name")
        namespace = str_attr(transforms[0], "namespace",
                             source_name="metric_transformation.namespace")
    else:
        metric_name = Attr.default(None, view.header, "metric_transformation.name")
        namespace = Attr.default(None, view.header, "metric_transformation.namespace")
    return MetricFilter(
        **resources.common(inst),
        log_group_name=str_attr(view, "log_group_name"),
        pattern=str_attr(view, "pattern"),
        metric_name=metric_name,
        metric_namespace=namespace,
    )
