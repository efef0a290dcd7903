"""``aws_cloudwatch_metric_alarm`` → ``Alarm``."""

from __future__ import annotations

from scanner.model import Alarm
from scanner.parsers.terraform.records.attrs import attr, bool_attr, str_attr, to_refs
from scanner.parsers.terraform.records.context import ResourceInstance, Resources


def alarms(resources: Resources) -> tuple[Alarm, ...]:
    return tuple(_alarm(resources, i) for i in resources.of("aws_cloudwatch_metric_alarm"))


def _alarm(resources: Resources, inst: ResourceInstance) -> Alarm:
    view = inst.view
    return Alarm(
        **resources.common(inst),
        metric_name=str_attr(view, "metric_name"),
        namespace=str_attr(view, "namespace"),
        actions_enabled=bool_attr(view, "actions_enabled", True),
        actions=attr(view, "alarm_actions", (), to_refs),
    )
