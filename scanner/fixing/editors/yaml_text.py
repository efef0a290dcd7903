"""Edits to a YAML document as text, in the document's own style.

A scalar is replaced where it is written, keeping its type and its quoting (``false`` stays
plain, ``"false"`` stays a quoted string); a new entry goes after the last entry of its
block mapping, at that mapping's indentation, with the file's quoting for strings and its
form of intrinsic functions (``!GetAtt Key.Arn`` or ``Fn::GetAtt: [Key, Arn]``). Comments
and every other line stay as they are.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from scanner.fixing.editors.base import DocValue, Intrinsic, Refused
from scanner.fixing.editors.source import Change, Lines
from scanner.parsers.cloudformation.decode import Pos, PosDict, PosList

# Scalars that a YAML 1.1 reader would not take as a plain string.
_SPECIAL = re.compile(
    r"^(?:y|n|yes|no|on|off|true|false|null|~|[-+]?[0-9][0-9_:.eE+-]*|\.inf|\.nan|[-+]?\.inf)$",
    re.IGNORECASE,
)
_PLAIN = re.compile(r"^[A-Za-z0-9_/.][A-Za-z0-9_./@+=-]*$")
_SHORT_TAG = re.compile(
    r"(?:^|[\s\[{,:-])!(?:Ref|GetAtt|Sub|Join|If|Select|Equals|FindInMap|ImportValue|Base64|"
    r"Split|And|Or|Not|Condition|GetAZs|Cidr)\b",
    re.MULTILINE,
)
_LONG_FORM = re.compile(r"(?:^|[\s{,])(?:Fn::[A-Za-z]+|Ref)\s*:", re.MULTILINE)


def _span_text(text: str, pos: Pos) -> str:
    lines = Lines(text)
    return text[lines.offset(pos[0], pos[1]):lines.offset(pos[2], pos[3])]


def _quoted(text: str, quote: str) -> str:
    if quote == "'":
        return "'" + text.replace("'", "''") + "'"
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def scalar(value: bool | int | str, style: str) -> str:
    """A new scalar: booleans and numbers plain, strings in ``style`` (``"``, ``'`` or plain
    when the text reads back as the same string)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if style in ('"', "'"):
        return _quoted(value, style)
    if _PLAIN.match(value) and not _SPECIAL.match(value):
        return value
    return _quoted(value, '"')


def _as_text(value: bool | int | str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def intrinsic(value: Intrinsic, short_tags: bool) -> str:
    """An intrinsic as one line: ``!GetAtt Key.Arn``, or ``{Fn::GetAtt: [Key, Arn]}``."""
    if short_tags:
        tag = "!Ref" if value.name == "Ref" else "!" + value.name.removeprefix("Fn::")
        return f"{tag} {'.'.join(value.args)}"
    arg = value.args[0] if value.name == "Ref" else "[" + ", ".join(value.args) + "]"
    return f"{{{value.name}: {arg}}}"


def replace_scalar(text: str, lines: Lines, pos: Pos, current: Any,
                   value: bool | int | str | Intrinsic, *, short_tags: bool = True) -> Change:
    """The scalar at ``pos`` (decoded as ``current``) replaced by ``value``, in its style."""
    start, end = lines.offset(pos[0], pos[1]), lines.offset(pos[2], pos[3])
    written = text[start:end]
    if not written or written[0] in "|>&*!{[":
        raise Refused(f"the value is written as {written[:20]!r}, not a plain scalar")
    if isinstance(value, Intrinsic):
        new = intrinsic(value, short_tags)
    elif written[0] in "\"'":
        new = _quoted(_as_text(value), written[0])
    elif isinstance(current, str) and not isinstance(value, str):
        new = scalar(_as_text(value), "plain")  # a string the author wrote plain
        if _SPECIAL.match(new):
            new = _quoted(new, '"')
    else:
        new = scalar(value, "plain")
    return Change(start, end, new)


def string_style(text: str, doc: Any) -> str:
    """The quoting most of the document's string values use: ``"``, ``'`` or ``plain``."""
    counts: Counter[str] = Counter()
    lines = Lines(text)
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, PosDict):
            for key, value in node.items():
                if isinstance(value, PosDict | PosList):
                    stack.append(value)
                elif isinstance(value, str) and key in node.val_pos:
                    pos = node.val_pos[key]
                    first = text[lines.offset(pos[0], pos[1]):lines.offset(pos[0], pos[1]) + 1]
                    counts[first if first in "\"'" else "plain"] += 1
        elif isinstance(node, PosList):
            stack.extend(v for v in node if isinstance(v, PosDict | PosList))
    return counts.most_common(1)[0][0] if counts else "plain"


def uses_short_tags(text: str) -> bool:
    """Whether the file writes intrinsics as ``!Ref``/``!GetAtt`` (or has none at all)."""
    if _SHORT_TAG.search(text):
        return True
    return not _LONG_FORM.search(text)


def _value_lines(key: str, value: DocValue, indent: str, step: str, short_tags: bool, style: str
                 ) -> list[str]:
    if isinstance(value, dict):
        out = [f"{indent}{key}:"]
        for sub_key, sub_value in value.items():
            out.extend(_value_lines(sub_key, sub_value, indent + step, step, short_tags, style))
        return out
    if isinstance(value, Intrinsic):
        if short_tags:
            return [f"{indent}{key}: {intrinsic(value, True)}"]
        arg = value.args[0] if value.name == "Ref" else "[" + ", ".join(value.args) + "]"
        return [f"{indent}{key}:", f"{indent}{step}{value.name}: {arg}"]
    return [f"{indent}{key}: {scalar(value, style)}"]


def last_line_of(lines: Lines, mapping: PosDict) -> int:
    """The last line that holds the mapping's last entry (its value's end mark may sit on
    the next key's line, past blank lines and comments that belong to what follows)."""
    last = list(mapping)[-1]
    key_line = mapping.key_pos[last][0]
    end_line, end_column = mapping.val_pos[last][2], mapping.val_pos[last][3]
    if end_line > key_line and not lines.line(end_line)[: end_column - 1].strip():
        end_line -= 1
    while end_line > key_line:
        stripped = lines.line(end_line).strip()
        if stripped and not stripped.startswith("#"):
            break
        end_line -= 1
    return end_line


def check_block_mapping(text: str, lines: Lines, mapping: PosDict) -> None:
    """Refuse a mapping new entries cannot be added to line by line."""
    if not mapping:
        raise Refused("the mapping to add to is empty")
    if text[lines.offset(mapping.pos[0], mapping.pos[1])] == "{":
        raise Refused("the mapping is written in flow style ({...})")
    first = list(mapping)[0]
    line, column = mapping.key_pos[first][0], mapping.key_pos[first][1]
    if lines.line(line)[: column - 1].strip():
        raise Refused("the mapping does not start its entries on their own lines")


def add_entries(text: str, lines: Lines, mapping: PosDict, entries: dict[str, DocValue], *,
                step: str, short_tags: bool, style: str) -> Change:
    """``key: value`` lines added after the mapping's last entry, at its indentation."""
    check_block_mapping(text, lines, mapping)
    first = list(mapping)[0]
    line, column = mapping.key_pos[first][0], mapping.key_pos[first][1]
    indent = lines.line(line)[: column - 1]
    new: list[str] = []
    for key, value in entries.items():
        new.extend(_value_lines(key, value, indent, step, short_tags, style))
    after = last_line_of(lines, mapping)
    at = lines.end_of_line(after)
    block = "".join(f"{n}\n" for n in new)
    if at == len(text) and not text.endswith("\n"):
        block = "\n" + block.removesuffix("\n")
    return Change(at, at, block)
