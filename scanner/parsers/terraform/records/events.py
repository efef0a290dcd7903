"""``aws_cloudwatch_event_rule`` → ``EventRule``, with the ``aws_cloudwatch_event_target``
resources that name it (by rule name or ARN)."""

from __future__ import annotations

import json
from dataclasses import replace

from scanner.model import Attr, EventRule
from scanner.parsers.attachments import Attachments
from scanner.parsers.common import with_unknowns_as_tokens
from scanner.parsers.terraform.body import BodyView
from scanner.parsers.terraform.records.attrs import (
    attr,
    bool_attr,
    computed,
    to_str,
)
from scanner.parsers.terraform.records.context import ResourceInstance, Resources
from scanner.parsers.terraform.values import EvalError, JsonText, Value


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
        pattern=_pattern_attr(view),
        enabled=enabled,
        targets=tuple(sorted(set(targets))),
    )


def _state_enabled(value: Value) -> bool:
    """``state = "DISABLED"`` turns a rule off; ``ENABLED`` and the CloudTrail-only variant
    ``ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`` keep it on."""
    return to_str(value).upper() != "DISABLED"


def _pattern_attr(view: BodyView) -> Attr[dict]:
    """``event_pattern``: a pattern with unresolved values keeps its known fields, the
    unresolved ones written as tokens (``Attr.reason`` says what is unresolved), so a
    known ``source`` or ``eventName`` still excludes the events it does not name."""
    reasons: list[str] = []
    pattern = attr(view, "event_pattern", None, lambda value: _pattern(value, reasons))
    if reasons and pattern.known:
        pattern = replace(pattern, reason="; ".join(dict.fromkeys(reasons)))
    return pattern


def _pattern(value: Value, reasons: list[str]) -> dict[str, Value]:
    if isinstance(value, JsonText):
        value = value.data
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, dict):
        raise EvalError("event_pattern is not a JSON object")
    pattern = with_unknowns_as_tokens(value, reasons)
    assert isinstance(pattern, dict)
    return pattern
