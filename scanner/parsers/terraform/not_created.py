"""Trails a Terraform configuration declares but does not create under the given inputs.

A reusable module often gates its trail (``count = var.enabled ? 1 : 0``, ``for_each =
var.trails``); with the inputs of the scan the trail may not exist at all. That is not a
finding, but a module author must be able to see why nothing was checked, so every such
trail is recorded with the reason: the meta-argument and the values it was computed from
(``count = 0 (var.enabled = false)``, ``for_each = {} (local.trails = {})``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from scanner.model import NotCreated
from scanner.parsers.terraform.hcl import Block
from scanner.parsers.terraform.references import chains
from scanner.parsers.terraform.values import EvalError, UnknownValue

# The resource types whose absence the reports explain.
TRAIL_TYPES = frozenset({"aws_cloudtrail"})
# Inputs named in one reason; the rest are counted.
MAX_NAMED_INPUTS = 3
MAX_SHOWN_VALUE = 40


def shown(value: Any) -> str:
    """A value as Terraform would print it in one short line."""
    if isinstance(value, UnknownValue):
        return "(unknown)"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    try:
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        text = "(a value)"
    return text if len(text) <= MAX_SHOWN_VALUE else text[: MAX_SHOWN_VALUE - 3] + "..."


def gate_reason(block: Block, lookup: Callable[[str, str], Any], evaluate: Callable[[], Any]) -> str:
    """Why ``block`` has no instance: its ``count`` / ``for_each`` with the value it came
    to and the variables and locals it reads. ``lookup(kind, name)`` gives ``var.name`` or
    ``local.name``; ``evaluate`` gives the meta-argument's value."""
    meta = "count" if "count" in block.attributes else "for_each"
    attribute = block.attributes[meta]
    try:
        value = evaluate()
    except EvalError:
        value = UnknownValue("")
    head = f"count = {shown(value)}" if meta == "count" else f"for_each = {shown(value)}"
    inputs: list[str] = []
    for chain in chains(attribute.expr):
        if len(chain) >= 2 and chain[0] in ("var", "local"):
            name = f"{chain[0]}.{chain[1]}"
            if name in (i.split(" = ", 1)[0] for i in inputs):
                continue
            try:
                inputs.append(f"{name} = {shown(lookup(chain[0], chain[1]))}")
            except EvalError:
                continue
    if not inputs:
        return head
    more = len(inputs) - MAX_NAMED_INPUTS
    listed = ", ".join(inputs[:MAX_NAMED_INPUTS]) + (f" and {more} more" if more > 0 else "")
    return f"{head} ({listed})"


def record(ref: str, block: Block, unit: str, reason: str) -> NotCreated:
    return NotCreated(ref=ref, span=block.span, unit=unit, kind=block.labels[0], reason=reason)
