"""Edits to a JSON document as text, in the document's layout.

A scalar is replaced where it is written, keeping its JSON type (``"false"`` stays a
string); a new member goes after the last member of its object, on a line of its own at
the members' indentation when the object is laid out one member per line, inline
otherwise, with the document's own ``": "`` separator.
"""

from __future__ import annotations

import json
from typing import Any

from scanner.fixing.editors.base import DocValue, Intrinsic, Refused
from scanner.fixing.editors.source import Change, Lines, indentation
from scanner.parsers.cloudformation.decode import Pos, PosDict


def _as_text(value: bool | int | str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def replace_scalar(text: str, lines: Lines, pos: Pos, current: Any,
                   value: bool | int | str | Intrinsic) -> Change:
    start, end = lines.offset(pos[0], pos[1]), lines.offset(pos[2], pos[3])
    written = text[start:end]
    if not written or written[0] in "{[":
        raise Refused("the value is not a JSON scalar")
    if isinstance(value, Intrinsic):
        new = render(value, "", "", ": ", False)
    elif written[0] == '"':
        new = json.dumps(_as_text(value))
    else:
        new = json.dumps(value)
    return Change(start, end, new)


def render(value: DocValue, indent: str, step: str, separator: str, multiline: bool) -> str:
    """``value`` as JSON text whose first line continues a line indented by ``indent``."""
    if isinstance(value, Intrinsic):
        arg: Any = value.args[0] if value.name == "Ref" else list(value.args)
        return json.dumps({value.name: arg}, separators=(", ", separator))
    if isinstance(value, dict):
        items = [
            f"{json.dumps(k)}{separator}{render(v, indent + step, step, separator, multiline)}"
            for k, v in value.items()
        ]
        if multiline:
            inner = ",\n".join(f"{indent}{step}{item}" for item in items)
            return "{\n" + inner + f"\n{indent}}}"
        return "{" + ", ".join(items) + "}"
    return json.dumps(value)


def check_object(text: str, lines: Lines, obj: PosDict) -> None:
    if not obj:
        raise Refused("the object to add to is empty")
    if text[lines.offset(obj.pos[0], obj.pos[1])] != "{":
        raise Refused("the object is not written as a JSON object")


def add_members(text: str, lines: Lines, obj: PosDict, members: dict[str, DocValue]) -> Change:
    """``"key": value`` members added after the object's last member."""
    check_object(text, lines, obj)
    last = list(obj)[-1]
    key_pos, val_pos = obj.key_pos[last], obj.val_pos[last]
    key_end = lines.offset(key_pos[2], key_pos[3])
    val_start = lines.offset(val_pos[0], val_pos[1])
    val_end = lines.offset(val_pos[2], val_pos[3])
    separator = text[key_end:val_start]
    if separator.strip() != ":":
        separator = ": "
    out = []
    if key_pos[0] > obj.pos[0]:
        indent = indentation(lines.line(key_pos[0]))
        outer = indentation(lines.line(obj.pos[0]))
        step = indent[len(outer):] if indent.startswith(outer) and len(indent) > len(outer) else "  "
        for key, value in members.items():
            out.append(f",\n{indent}{json.dumps(key)}{separator}{render(value, indent, step, separator, True)}")
    else:
        for key, value in members.items():
            out.append(f", {json.dumps(key)}{separator}{render(value, '', '', separator, False)}")
    return Change(val_end, val_end, "".join(out))
