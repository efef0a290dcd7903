"""``aws_sns_topic`` → ``Topic``, with the ``aws_sns_topic_subscription`` resources that
name it by ARN."""

from __future__ import annotations

from scanner.model import Attr, Topic
from scanner.parsers.attachments import Attachments, known_names
from scanner.parsers.terraform.records.attrs import computed
from scanner.parsers.terraform.records.context import ResourceInstance, Resources


def topics(resources: Resources) -> tuple[Topic, ...]:
    insts = resources.of("aws_sns_topic")
    arns = {i.ref: computed(i, "arn", _name_attr(i)) for i in insts}
    owners = [(ref, known_names(a)) for ref, a in arns.items()]
    subscriptions = resources.attach(owners, "aws_sns_topic_subscription", "topic_arn")
    return tuple(_topic(resources, i, arns[i.ref], subscriptions) for i in insts)


def _name_attr(inst: ResourceInstance) -> str:
    return "name" if inst.view.has("name") else "name_prefix"


def _topic(
    resources: Resources, inst: ResourceInstance, arn: Attr[str], subscriptions: Attachments[ResourceInstance]
) -> Topic:
    subs = sorted(s.ref for s in subscriptions.of(inst.ref))
    return Topic(
        **resources.common(inst),
        name=computed(inst, "name", _name_attr(inst)),
        arn=arn,
        subscriptions=tuple(subs),
    )
