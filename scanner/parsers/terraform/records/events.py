"""``aws_cloudwatch_event_rule`` → ``EventRule``, with the ``aws_cloudwatch_event_target``
resources that name it (by rule name or ARN)."""

from __future__ import annotations

import json

from scanner.model import Attr, EventRule
from scanner.parsers.attachments import Attachments
from scanner.parsers.common import deeper_than
from scanner.parsers.terraform.records.attrs import (
    UnknownPart,
    attr,
    bool_attr,
    computed,
    to_str,
)
from scanner.parsers.terraform.records.context import ResourceInstance, Resources
from scanner.parsers.terraform.values import EvalError, JsonText, Value, first_unknown


def event_rules(resources: Resources) -> tuple[EventRule, ...]:
    insts = resources.of("aws_cloudwatch_event_rule")
    names = {i.ref: _name(i) for i in insts}
    owners = []
    for inst in insts:
        arn = inst.computed("arn")
        name = names[inst.ref]
        owners.append((inst.ref, [str(v) for v in (name.value, arn) if isinstance(v, str)]))
    targets = resources.attach(owners, "aws_cloudwatch_event_target", "rule")
    return tuple(_rule(resources, i, names[i.ref], targets) for i in insts)


def _name(inst: ResourceInstance) -> Attr[str]:
    return computed(inst, "name", "name" if inst.view.has("name") else "name_prefix")


def _rule(resources: Resources, inst: ResourceInstance, name: Attr[str],
          table: Attachments[ResourceInstance]) -> EventRule:
    view = inst.view
    targets = []
    for target in table.of(inst.ref):
        value = target.view.value("arn")
        targets.append(str(value) if isinstance(value, str) else target.ref)
    enabled: Attr[bool]
    if view.has("is_enabled"):
        enabled = bool_attr(view, "is_enabled", True)
    else:
        enabled = attr(view, "state", True, _state_enabled)
    return EventRule(
        **resources.common(inst),
        name=name,
        pattern=_bounded(resources, attr(view, "event_pattern", None, _pattern)),
        enabled=enabled,
        targets=tuple(sorted(set(targets))),
    )


def _bounded(resources: Resources, pattern: Attr[dict]) -> Attr[dict]:
    """A decoded pattern nested deeper than ``max_nesting_depth`` is a CT901 at the
    argument and UNKNOWN (matching it would recurse without bound)."""
    limit = resources.limits.max_nesting_depth
    if not pattern.known or not deeper_than(pattern.value, limit):
        return pattern
    message = (f"event_pattern nests deeper than {limit} levels (limit max_nesting_depth = "
               f"{limit}; raise it in [tool.trailscan.limits])")
    resources.problem(pattern.span, f"{message}; the pattern is not checked")
    return Attr.unknown(pattern.span, message, pattern.name)


def _state_enabled(value: Value) -> bool:
    """``state = "DISABLED"`` turns a rule off; ``ENABLED`` and the CloudTrail-only variant
    ``ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`` keep it on."""
    return to_str(value).upper() != "DISABLED"


def _pattern(value: Value) -> dict[str, Value]:
    if isinstance(value, JsonText):
        value = value.data
    if isinstance(value, str):
        value = json.loads(value)
    hit = first_unknown(value)
    if hit is not None:
        raise UnknownPart(hit.reason)
    if not isinstance(value, dict):
        raise EvalError("event_pattern is not a JSON object")
    return value
