"""``AWS::SNS::Topic`` → ``Topic``, with its inline and separate ``AWS::SNS::Subscription``s."""

from __future__ import annotations

import functools
from collections.abc import Callable

from scanner.model import Topic
from scanner.parsers.cloudformation.records.record import record_fields
from scanner.parsers.cloudformation.records.resource import Resource, Scope, derived
from scanner.parsers.cloudformation.values import Unresolved

KIND = "AWS::SNS::Topic"
SUBSCRIPTION_KIND = "AWS::SNS::Subscription"


def topics(scope: Scope) -> tuple[Topic, ...]:
    # Resolved once, when the first topic asks: a subscription may name any topic.
    subscriptions = functools.cache(lambda: _subscriptions(scope))
    return tuple(topic(scope, res, subscriptions) for res in scope.of(KIND))


def _subscriptions(scope: Scope) -> dict[str, list[str]]:
    """Resolved ``TopicArn`` → refs of the subscriptions naming it."""
    out: dict[str, list[str]] = {}
    for sub in scope.of(SUBSCRIPTION_KIND):
        target = sub.resolver.resolve(sub.props.get("TopicArn"))
        if isinstance(target, str):
            out.setdefault(target, []).append(sub.ref)
    return out


def topic(scope: Scope, res: Resource, subscriptions: Callable[[], dict[str, list[str]]]) -> Topic:
    vals, props = scope.values(res), res.props
    name = scope.name_attr(res, "TopicName")
    arn = derived(name, res.resolver.get_att(res.logical, "TopicArn"), "TopicArn")
    refs = []
    try:
        for index, _ in enumerate(vals.items(props, "Subscription")):
            refs.append(f"{res.ref}.Subscription[{index}]")
    except Unresolved:
        refs.append(f"{res.ref}.Subscription")
    by_arn = subscriptions()
    if arn.known and isinstance(arn.value, str):
        refs.extend(by_arn.get(arn.value, ()))
    return Topic(
        **record_fields(scope, res),
        name=name,
        arn=arn,
        subscriptions=tuple(sorted(refs)),
    )
