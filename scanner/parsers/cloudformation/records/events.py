"""``AWS::Events::Rule`` → ``EventRule``: its pattern (an object or a JSON string), state
and targets."""

from __future__ import annotations

from scanner.model import Attr, EventRule, Origin
from scanner.parsers.cloudformation.intrinsics import NO_VALUE
from scanner.parsers.cloudformation.records.record import record_fields
from scanner.parsers.cloudformation.records.resource import Resource, Scope
from scanner.parsers.cloudformation.values import Unresolved, to_str
from scanner.parsers.common import UnknownValue, with_unknowns_as_tokens

KIND = "AWS::Events::Rule"


def event_rules(scope: Scope) -> tuple[EventRule, ...]:
    return tuple(event_rule(scope, res) for res in scope.of(KIND))


def event_rule(scope: Scope, res: Resource) -> EventRule:
    # Read in this order so that problems (ill-typed properties) keep their order.
    pattern, enabled, targets = _pattern(scope, res), _enabled(scope, res), _targets(scope, res)
    return EventRule(
        **record_fields(scope, res),
        name=scope.name_attr(res, "Name"),
        pattern=pattern,
        enabled=enabled,
        targets=targets,
    )


def _pattern(scope: Scope, res: Resource) -> Attr[dict]:
    key = "EventPattern"
    vals, props = scope.values(res), res.props
    if vals.node(props, key) is NO_VALUE:
        return Attr.default(None, scope.default_span(res), key)
    span = vals.key_span(props, key)
    value = vals.json_object(props, key)
    if isinstance(value, UnknownValue):
        return Attr.unknown(span, f"{key}: {value.reason}", key)
    if not isinstance(value, dict):
        return Attr.unknown(span, f"{key} is not an object", key)
    # Unresolved values become tokens: the known fields still decide (see the Terraform
    # front end's ``event_pattern``).
    reasons: list[str] = []
    pattern = with_unknowns_as_tokens(value, reasons)
    reason = "; ".join(dict.fromkeys(f"{key}: {r}" for r in reasons))
    return Attr(value=pattern, origin=Origin.EXPLICIT, span=span, name=key, reason=reason)


def _enabled(scope: Scope, res: Resource) -> Attr[bool]:
    """``State``: anything but DISABLED delivers events (ENABLED by default)."""
    state = scope.values(res).scalar(res.props, "State", "str", "ENABLED", scope.default_span(res))
    if not state.known:
        return Attr.unknown(state.span, state.reason, "State")
    return Attr(
        value=str(state.value).upper() != "DISABLED",
        origin=state.origin,
        span=state.span,
        name="State",
    )


def _targets(scope: Scope, res: Resource) -> tuple[str, ...]:
    """Target ARNs, or ``<ref>.Targets[i]`` for a target whose ARN cannot be resolved."""
    targets = []
    try:
        for index, (item, _span) in enumerate(scope.values(res).items(res.props, "Targets")):
            arn = res.resolver.resolve(item.get("Arn")) if isinstance(item, dict) else None
            text = to_str(arn) if not isinstance(arn, UnknownValue) else None
            targets.append(text or f"{res.ref}.Targets[{index}]")
    except Unresolved:
        targets.append(f"{res.ref}.Targets")
    return tuple(targets)
