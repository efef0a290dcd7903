"""``AWS::SNS::Topic`` → ``Topic``, with its inline and separate ``AWS::SNS::Subscription``s."""

from __future__ import annotations

import functools
from collections.abc import Callable

from scanner.model import Attr, Topic
from scanner.parsers.attachments import Attachments, attach, known_names
from scanner.parsers.cloudformation.records.record import record_fields
from scanner.parsers.cloudformation.records.resource import Resource, Scope, derived
from scanner.parsers.cloudformation.values import Unresolved

KIND = "AWS::SNS::Topic"
SUBSCRIPTION_KIND = "AWS::SNS::Subscription"


def topics(scope: Scope) -> tuple[Topic, ...]:
    resources = scope.of(KIND)
    arns = {res.ref: _arn(scope, res) for res in resources}
    # Resolved once, when the first topic asks: a subscription may name any topic.
    subscriptions = functools.cache(lambda: _subscriptions(scope, arns))
    return tuple(topic(scope, res, arns[res.ref], subscriptions) for res in resources)


def _arn(scope: Scope, res: Resource) -> Attr[str]:
    name = scope.name_attr(res, "TopicName")
    return derived(name, res.resolver.get_att(res.logical, "TopicArn"), "TopicArn")


def _subscriptions(scope: Scope, arns: dict[str, Attr[str]]) -> Attachments[Resource]:
    """Topic → the subscriptions naming it (by reference, else by ARN)."""
    owners = [(ref, known_names(a)) for ref, a in arns.items()]
    dependents = [
        (sub, "TopicArn", sub.resolver.resolve(sub.props.get("TopicArn")))
        for sub in scope.of(SUBSCRIPTION_KIND)
    ]
    return attach(owners, dependents)


def topic(
    scope: Scope, res: Resource, arn: Attr[str], subscriptions: Callable[[], Attachments[Resource]]
) -> Topic:
    vals, props = scope.values(res), res.props
    name = scope.name_attr(res, "TopicName")
    refs = []
    try:
        for index, _ in enumerate(vals.items(props, "Subscription")):
            refs.append(f"{res.ref}.Subscription[{index}]")
    except Unresolved:
        refs.append(f"{res.ref}.Subscription")
    refs.extend(sub.ref for sub in subscriptions().of(res.ref))
    return Topic(
        **record_fields(scope, res),
        name=name,
        arn=arn,
        subscriptions=tuple(sorted(refs)),
    )
