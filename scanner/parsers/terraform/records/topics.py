"""``aws_sns_topic`` → ``Topic``, with the ``aws_sns_topic_subscription`` resources that
name it by ARN."""

from __future__ import annotations

from scanner.model import Topic
from scanner.parsers.terraform.records.attrs import computed
from scanner.parsers.terraform.records.context import ResourceInstance, Resources


def topics(resources: Resources) -> tuple[Topic, ...]:
    return tuple(_topic(resources, i) for i in resources.of("aws_sns_topic"))


def _topic(resources: Resources, inst: ResourceInstance) -> Topic:
    name_attr = "name" if inst.view.has("name") else "name_prefix"
    arn = computed(inst, "arn", name_attr)
    match = {arn.value} if isinstance(arn.value, str) else set()
    subs = sorted(s.ref for s in resources.naming("aws_sns_topic_subscription", "topic_arn", inst, match))
    return Topic(
        **resources.common(inst),
        name=computed(inst, "name", name_attr),
        arn=arn,
        subscriptions=tuple(subs),
    )
