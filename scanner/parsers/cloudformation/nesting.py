"""Which local templates a template loads as nested stacks, read from the decoded template.

Discovery needs this before any unit is loaded: a nested template belongs to its parent's
unit and is not a unit of its own. Reading it from raw text would take a ``TemplateURL:``
written in a ``Description`` or a comment for a real one, and then that template would
never be scanned. Only what the decoder says is a resource of a nested-stack type, with
a local path written literally, counts; anything else (a URL, an intrinsic that needs
parameters) leaves the target a unit of its own, which is never a silent skip.
"""

from __future__ import annotations

from typing import Any

from scanner.limits import Limits
from scanner.parsers.cloudformation.decode import DecodeError, PosDict, decode
from scanner.parsers.cloudformation.sniff import NESTED_STACK_TYPES, REMOTE_PREFIXES, may_nest_stacks
from scanner.valueclass import ValueObject, value_class


@value_class()
class NestedStack(ValueObject):
    """A nested-stack resource whose template is a local path (as written)."""

    logical_id: str
    location: str
    line: int


@value_class()
class NestedStacks(ValueObject):
    """A template's nested stacks, or why it could not be read for them."""

    stacks: tuple[NestedStack, ...] = ()
    # The template could not be decoded (its loader reports why, with the line).
    error: str = ""


def _literal_location(value: Any) -> str | None:
    if isinstance(value, PosDict) and len(value) == 1 and isinstance(value.get("Fn::Sub"), str):
        value = value["Fn::Sub"]
        if "${" in value:
            return None
    if not isinstance(value, str) or not value.strip() or value.startswith(REMOTE_PREFIXES):
        return None
    return value


def nested_stacks(text: str, limits: Limits) -> NestedStacks:
    """The nested stacks of a template's text with a literal local location."""
    if not may_nest_stacks(text):
        return NestedStacks()
    try:
        doc = decode(text, max_aliases=limits.max_yaml_aliases, max_depth=limits.max_nesting_depth,
                     max_alias_bytes=limits.max_string_bytes)
    except DecodeError as exc:
        return NestedStacks(error=exc.message)
    except RecursionError:
        return NestedStacks(error="nested too deeply")
    resources = doc.get("Resources") if isinstance(doc, PosDict) else None
    if not isinstance(resources, PosDict):
        return NestedStacks()
    out: list[NestedStack] = []
    for logical_id, body in resources.items():
        if not isinstance(body, PosDict):
            continue
        kind = body.get("Type")
        prop = NESTED_STACK_TYPES.get(kind) if isinstance(kind, str) else None
        props = body.get("Properties")
        if prop is None or not isinstance(props, PosDict):
            continue
        location = _literal_location(props.get(prop))
        if location is not None:
            line = props.val_pos.get(prop, body.pos)[0]
            out.append(NestedStack(str(logical_id), location, line))
    return NestedStacks(tuple(out))
