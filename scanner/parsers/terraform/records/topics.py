"""``aws_sns_topic`` → ``Topic``, with the ``aws_sns_topic_subscription`` resources that
name it by ARN."""

from __future__ import annotations

from scanner.model import Attr, Topic
from scanner.parsers.terraform.instance import Instance
from scanner.parsers.terraform.records.attrs import computed
from scanner.parsers.terraform.records.context import Attachments, Resources, attach


def topics(resources: Resources) -> tuple[Topic, ...]:
    insts = resources.of("aws_sns_topic")
    arns = {i.ref: computed(i, "arn", _name_attr(i)) for i in insts}
    owners = [
        (ref, [str(a.value)] if a.known and isinstance(a.value, str) else [])
        for ref, a in arns.items()
    ]
    subscriptions = attach(owners, resources.of("aws_sns_topic_subscription"), "topic_arn")
    return tuple(_topic(resources, i, arns[i.ref], subscriptions) for i in insts)


def _name_attr(inst: Instance) -> str:
    return "name" if inst.view.has("name") else "name_prefix"


def _topic(
    resources: Resources, inst: Instance, arn: Attr[str], subscriptions: Attachments
) -> Topic:
    subs = sorted(s.ref for s in subscriptions.of(inst.ref))
    return Topic(
        **resources.common(inst),
        name=computed(inst, "name", _name_attr(inst)),
        arn=arn,
        subscriptions=tuple(subs),
    )
