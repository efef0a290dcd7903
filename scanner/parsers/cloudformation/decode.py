"""Decode CloudFormation YAML and JSON into plain data that remembers where it was written.

The decoder is built on PyYAML's *event* stream rather than its constructors: no Python
object is ever constructed from a tag (so ``!!python/...`` cannot execute anything), the
short-form intrinsic tags become their long form, and depth and alias expansion are
counted as the events arrive, so hostile input is refused before it costs anything: an
alias counts its uses (the ``max_yaml_aliases`` setting) and the characters and values it
stands for (``max_alias_bytes``, which the loaders set from the ``max_string_bytes``
setting: 900 aliases of a 4 MB scalar are 3.6 GB to whoever reads them). The event loop is
iterative, which keeps a deeply nested file from exhausting the C stack.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import Resolver

# (line, column, end_line, end_column), all 1-based.
Pos = tuple[int, int, int, int]

try:  # the C parser keeps marks and is several times faster
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


class PosDict(dict):  # type: ignore[type-arg]
    """A mapping with the position of itself, of each key and of each value."""

    __slots__ = ("key_pos", "pos", "val_pos")

    def __init__(self, pos: Pos = (1, 1, 1, 1)) -> None:
        super().__init__()
        self.pos = pos
        self.key_pos: dict[str, Pos] = {}
        self.val_pos: dict[str, Pos] = {}


class PosList(list):  # type: ignore[type-arg]
    """A sequence with the position of itself and of each item."""

    __slots__ = ("item_pos", "pos")

    def __init__(self, pos: Pos = (1, 1, 1, 1)) -> None:
        super().__init__()
        self.pos = pos
        self.item_pos: list[Pos] = []


class DecodeError(Exception):
    """The text cannot be decoded; ``line``/``column`` are 1-based."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


# Short-form tag → long-form key.
SHORT_TAGS: dict[str, str] = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{
        f"!{name}": f"Fn::{name}"
        for name in (
            "GetAtt",
            "Sub",
            "Join",
            "If",
            "Select",
            "Split",
            "FindInMap",
            "ImportValue",
            "Base64",
            "Equals",
            "And",
            "Or",
            "Not",
            "GetAZs",
            "Cidr",
            "Transform",
            "Length",
            "ToJsonString",
        )
    },
}

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_STD}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_resolver = Resolver()
_SURROGATE_PAIR = re.compile(
    r"(?<!\\)((?:\\\\)*)\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})", re.IGNORECASE
)
_constructor = SafeConstructor()


def _join_surrogates(match: re.Match[str]) -> str:
    high, low = int(match.group(2), 16), int(match.group(3), 16)
    code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
    return f"{match.group(1)}\\U{code:08x}"


def _pos(start: Any, end: Any) -> Pos:
    return (start.line + 1, start.column + 1, end.line + 1, end.column + 1)


# org-formation's own YAML tags (its templates extend CloudFormation's): a template that
# uses one is org-formation input, which CloudFormation itself does not accept.
ORG_FORMATION_TAGS = frozenset(
    {"!Include", "!ReadFile", "!JsonString", "!MD5", "!Cmd", "!CopyValue", "!RefSkipValidation"}
)


def _refuse_tag(tag: str, mark: Any) -> DecodeError:
    line, col = mark.line + 1, mark.column + 1
    if tag.startswith(f"{_STD}python/") or tag.startswith("!!python/"):
        return DecodeError(
            f"unsafe YAML tag {tag!r} refused (Python object tags are never constructed)",
            line,
            col,
        )
    if tag in ORG_FORMATION_TAGS:
        return DecodeError(f"unknown tag {tag}: not CloudFormation (org-formation?)", line, col)
    return DecodeError(f"unsupported YAML tag {tag!r}", line, col)


def _scalar(event: Any, json_mode: bool) -> Any:
    """The value of a scalar event, without ever constructing a tagged object."""
    tag = event.tag
    value: str = event.value
    if tag in (None, "!"):
        if tag == "!" or event.style in ("'", '"', "|", ">"):
            return value
        if json_mode:
            try:
                return json.loads(value)
            except ValueError:
                return value
        tag = _resolver.resolve(yaml.ScalarNode, value, event.implicit)
    if tag not in _SCALAR_TAGS:
        raise _refuse_tag(tag, event.start_mark)
    kind = tag.removeprefix(_STD)
    node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark)
    try:
        if kind == "int":
            return _constructor.construct_yaml_int(node)
        if kind == "float":
            return _constructor.construct_yaml_float(node)
        if kind == "bool":
            return _constructor.construct_yaml_bool(node)
        if kind == "null":
            return None
    except (ConstructorError, ValueError, KeyError, IndexError, TypeError):
        mark = event.start_mark
        raise DecodeError(
            f"invalid !!{kind} value {value!r}", mark.line + 1, mark.column + 1
        ) from None
    # str and timestamp: CloudFormation treats dates (AWSTemplateFormatVersion) as text.
    return value


def _short_form(tag: str, value: Any, pos: Pos, tagged_scalar: bool) -> PosDict:
    key = SHORT_TAGS[tag]
    if tag == "!GetAtt" and tagged_scalar and isinstance(value, str):
        parts = PosList(pos)
        head, _, tail = value.partition(".")
        for part in (head, tail) if tail else (head,):
            parts.append(part)
            parts.item_pos.append(pos)
        value = parts
    out = PosDict(pos)
    out[key] = value
    out.key_pos[key] = pos
    out.val_pos[key] = pos
    return out


@dataclass
class _Frame:
    """A mapping or sequence being built from YAML events, with the key that waits for its value."""

    container: PosDict | PosList
    tag: str | None
    start: Any
    pending_key: str | None = None
    pending_key_pos: Pos | None = None
    size: int = 0  # characters (and nodes) of what it holds, aliases expanded


@dataclass
class _Anchor:
    """An anchored value, with what reusing it costs (the alias limits count expansions)."""

    value: Any
    pos: Pos
    weight: int  # alias expansions this value stands for when it is reused
    size: int = 0  # characters and nodes it stands for when it is reused


def decode(text: str, *, max_aliases: int = 1000, max_depth: int = 200,
           max_alias_bytes: int = 64 * 1024 * 1024) -> Any:
    """Decode the first YAML/JSON document of ``text``.

    Returns ``PosDict``/``PosList``/scalars. Raises ``DecodeError`` for syntax errors,
    refused tags, duplicate keys, exceeded limits and a second document (a template is
    one document; the caller decides whether the text was a template at all).
    """
    stripped = text.lstrip("\ufeff \t\r\n")
    json_mode = stripped.startswith("{")
    if json_mode:
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise DecodeError(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
        except RecursionError:
            raise DecodeError(f"nesting deeper than {max_depth} levels") from None
        # JSON allows tabs between tokens, YAML does not; outside strings (where JSON
        # forbids raw tabs) a space is equivalent and keeps every column.
        text = text.replace("\t", " ")
        # YAML has no surrogate-pair escapes; JSON writes astral characters that way.
        text = _SURROGATE_PAIR.sub(_join_surrogates, text)
    try:
        return _build(yaml.parse(text, Loader=_Loader), json_mode, max_aliases, max_depth,
                      max_alias_bytes)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        msg = " ".join(p for p in (exc.context, exc.problem) if p) or str(exc)
        raise DecodeError(f"YAML syntax error: {msg}", line, col) from None
    except yaml.YAMLError as exc:
        raise DecodeError(f"YAML error: {exc}") from None


def _scalar_size(value: Any) -> int:
    """What a scalar costs whoever reads it: its characters, plus one for the value (a
    number or a boolean counts as a short word)."""
    return 1 + (len(value) if isinstance(value, str) else 8)


def _build(events: Any, json_mode: bool, max_aliases: int, max_depth: int,
           max_alias_bytes: int) -> Any:
    stack: list[_Frame] = []
    anchors: dict[str, _Anchor] = {}
    # anchor name → alias weight accumulated inside it while it is being built
    open_anchors: list[tuple[str, int]] = []  # (anchor, expansions seen at its start)
    expansions = 0
    alias_bytes = 0
    documents = 0
    result: Any = None

    def attach(value: Any, pos: Pos, start: Any, size: int) -> None:
        nonlocal result
        if not stack:
            result = value
            return
        frame = stack[-1]
        frame.size += size
        container = frame.container
        if isinstance(container, PosList):
            container.append(value)
            container.item_pos.append(pos)
            return
        if frame.pending_key is None:
            if isinstance(value, PosDict | PosList):
                raise DecodeError(
                    "a mapping key must be a scalar", start.line + 1, start.column + 1
                )
            key = value if isinstance(value, str) else _key_text(value)
            if key == "<<":
                raise DecodeError(
                    "YAML merge keys ('<<') are not supported by CloudFormation",
                    start.line + 1,
                    start.column + 1,
                )
            if key in container:
                first = container.key_pos[key][0]
                raise DecodeError(
                    f"duplicate key {key!r} (first on line {first}, again on line "
                    f"{start.line + 1})",
                    start.line + 1,
                    start.column + 1,
                )
            frame.pending_key = key
            frame.pending_key_pos = pos
            return
        key = frame.pending_key
        container[key] = value
        container.key_pos[key] = frame.pending_key_pos or pos
        container.val_pos[key] = pos
        frame.pending_key = None

    for event in events:
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise DecodeError(
                    "more than one YAML document; a template is a single document",
                    event.start_mark.line + 1,
                    1,
                )
            continue
        if isinstance(event, yaml.AliasEvent):
            anchor = anchors.get(event.anchor)
            if anchor is None:
                raise DecodeError(
                    f"alias *{event.anchor} is not defined",
                    event.start_mark.line + 1,
                    event.start_mark.column + 1,
                )
            expansions += 1 + anchor.weight
            if expansions > max_aliases:
                raise DecodeError(
                    f"too many YAML alias expansions (limit max_yaml_aliases = {max_aliases})",
                    event.start_mark.line + 1,
                    event.start_mark.column + 1,
                )
            alias_bytes += anchor.size
            if alias_bytes > max_alias_bytes:
                raise DecodeError(
                    f"YAML aliases expand to more than {max_alias_bytes} characters and values "
                    f"(limit max_string_bytes = {max_alias_bytes}; raise it in "
                    "[tool.trailscan.limits])",
                    event.start_mark.line + 1,
                    event.start_mark.column + 1,
                )
            attach(anchor.value, anchor.pos, event.start_mark, anchor.size)
            continue
        if isinstance(event, yaml.ScalarEvent):
            pos = _pos(event.start_mark, event.end_mark)
            top = stack[-1] if stack else None
            if event.tag in SHORT_TAGS:
                value: Any = _short_form(event.tag, event.value, pos, True)
            elif (
                top is not None
                and isinstance(top.container, PosDict)
                and top.pending_key is None
                and event.tag in (None, "!", f"{_STD}str")
            ):
                value = event.value  # keys are text as written (``on`` is not True)
            else:
                value = _scalar(event, json_mode)
            size = _scalar_size(value)
            if event.anchor:
                anchors[event.anchor] = _Anchor(value, pos, 0, size)
            attach(value, pos, event.start_mark, size)
            continue
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            if len(stack) >= max_depth:
                raise DecodeError(
                    f"nesting deeper than {max_depth} levels (limit max_nesting_depth)",
                    event.start_mark.line + 1,
                    event.start_mark.column + 1,
                )
            tag = event.tag
            if tag not in (None, "!") and tag not in SHORT_TAGS:
                expected = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
                if tag != f"{_STD}{expected}":
                    raise _refuse_tag(tag, event.start_mark)
            start_pos = _pos(event.start_mark, event.end_mark)
            box: PosDict | PosList = (
                PosDict(start_pos)
                if isinstance(event, yaml.MappingStartEvent)
                else PosList(start_pos)
            )
            stack.append(_Frame(box, tag if tag in SHORT_TAGS else None, event.start_mark))
            if event.anchor:
                open_anchors.append((event.anchor, expansions))
                anchors.pop(event.anchor, None)
            else:
                open_anchors.append(("", expansions))
            continue
        if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            frame = stack.pop()
            name, before = open_anchors.pop()
            pos = _pos(frame.start, event.end_mark)
            frame.container.pos = pos
            value = frame.container
            if frame.tag is not None:
                value = _short_form(frame.tag, value, pos, False)
            size = frame.size + 1
            if name:
                anchors[name] = _Anchor(value, pos, expansions - before, size)
            attach(value, pos, frame.start, size)
            continue
    return result


def _key_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
