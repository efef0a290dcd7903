"""The CloudFormation editor: edits of ``scanner.policy``'s vocabulary as the smallest
change to a template, YAML or JSON, in the template's style.

Targets are named by key path (``Resources.Trail.Properties.IsLogging``): keys are unique
in a mapping, so a path found on the template as scanned still names the same place after
other edits. A value that comes from a parameter's ``Default`` changes that default when
nothing else refers to the parameter and its ``AllowedValues``/``MinValue``/``MaxValue``
admit the new value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from scanner.fixing.editors import json_text, yaml_text
from scanner.fixing.editors.base import (
    DocValue,
    Intrinsic,
    Refused,
    Step,
    Workspace,
    short,
    stack_prefix,
)
from scanner.fixing.editors.source import Lines, Source
from scanner.model import Attr, Record, Span
from scanner.parsers.cloudformation.decode import DecodeError, PosDict, PosList, decode
from scanner.policy import AddAttribute, AddResource, Edit, FixValue, Reference, SetAttribute

KeyPath = tuple[str | int, ...]

# An absent property the model reads one field of: written as a mapping holding it.
_MAPPING_SETTINGS = {"VersioningConfiguration": "Status"}
# The model's name of a referenced attribute → how a template gets it.
_REFERENCES = {"arn": ("Fn::GetAtt", "Arn"), "id": ("Ref", "")}


@dataclass(frozen=True, slots=True)
class SetKey:
    path: KeyPath
    value: bool | int | str | Intrinsic


@dataclass(frozen=True, slots=True)
class AddKey:
    container: KeyPath  # the mapping (created when absent: a resource's Properties)
    key: str
    value: DocValue


def _entries(node: Any, path: KeyPath = ()) -> Iterator[tuple[KeyPath, PosDict, str]]:
    stack: list[tuple[Any, KeyPath]] = [(node, path)]
    while stack:
        current, where = stack.pop()
        if isinstance(current, PosDict):
            for key, value in current.items():
                yield (*where, key), current, key
                stack.append((value, (*where, key)))
        elif isinstance(current, PosList):
            stack.extend((value, (*where, index)) for index, value in enumerate(current))


def _get(doc: Any, path: KeyPath) -> Any:
    node = doc
    for part in path:
        if isinstance(node, PosDict) and isinstance(part, str) and part in node:
            node = node[part]
        elif isinstance(node, PosList) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            raise KeyError(part)
    return node


def _references(doc: Any, name: str) -> int:
    """How often the template refers to parameter ``name`` (Ref, and ${name} in Fn::Sub)."""
    pattern = re.compile(r"\$\{" + re.escape(name) + r"\}")
    count = 0
    for _, mapping, key in _entries(doc):
        value = mapping[key]
        if key == "Ref" and value == name:
            count += 1
        elif key == "Fn::Sub":
            template = value[0] if isinstance(value, list) and value else value
            if isinstance(template, str):
                count += len(pattern.findall(template))
    return count


def _text(value: bool | int | str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class CloudFormationEditor:
    """The edits of one template (YAML or JSON)."""

    def __init__(self, source: Source, workspace: Workspace) -> None:
        self.source = source
        self.workspace = workspace
        self.json = source.text.lstrip().startswith("{")
        self.doc = self._decode(source.text)

    # -- planning ----------------------------------------------------------------

    def plan(self, edit: Edit) -> Step:
        if isinstance(edit, SetAttribute):
            if edit.attr.via and edit.attr.via_span is not None:
                return self._plan_default(edit)
            return self._plan_set(edit)
        if isinstance(edit, AddAttribute):
            return self._plan_add(edit)
        if isinstance(edit, AddResource):
            raise Refused(f"a template has no {edit.kind}: the setting belongs on the resource")
        raise Refused(f"unknown edit {type(edit).__name__}")

    def _plan_set(self, edit: SetAttribute) -> Step:
        path, mapping, key = self._entry_at(edit.attr.span)
        current = mapping[key]
        if isinstance(current, PosDict | PosList):
            raise Refused(f"value comes from {short(self._written(mapping.val_pos[key]))}")
        value = self._doc_value(edit.record, edit.attr, edit.value, nest=False)
        return Step(f"{key}: {self._describe(value)}", SetKey(path, value))

    def _plan_default(self, edit: SetAttribute) -> Step:
        attr = edit.attr
        assert attr.via_span is not None
        name = attr.via
        if _references(self.doc, name) > 1:
            raise Refused(f"value comes from parameter {name} (used elsewhere)")
        path, mapping, key = self._entry_at(attr.via_span)
        if path[:2] != ("Parameters", name) or key != "Default":
            raise Refused(f"value comes from parameter {name}, whose Default was not found")
        if isinstance(mapping[key], PosDict | PosList):
            raise Refused(f"value comes from parameter {name}, whose Default is not a scalar")
        value = self._scalar(edit.record, edit.value)
        self._admits(name, mapping, value)
        return Step(f"parameter {name} Default: {_text(value)}", SetKey(path, value))

    def _admits(self, name: str, declaration: PosDict, value: bool | int | str) -> None:
        allowed = declaration.get("AllowedValues")
        if isinstance(allowed, list) and _text(value).lower() not in {_text(v).lower() for v in allowed}:
            raise Refused(f"value comes from parameter {name}, whose AllowedValues exclude {_text(value)}")
        if isinstance(value, int) and not isinstance(value, bool):
            low, high = declaration.get("MinValue"), declaration.get("MaxValue")
            try:
                if (low is not None and value < float(low)) or (high is not None and value > float(high)):
                    raise Refused(f"value comes from parameter {name}, whose MinValue/MaxValue exclude {value}")
            except (TypeError, ValueError):
                raise Refused(f"value comes from parameter {name}, whose bounds cannot be read") from None

    def _plan_add(self, edit: AddAttribute) -> Step:
        attr = edit.attr
        path, _, _ = self._entry_at(attr.span)
        if len(path) == 2 and path[0] == "Resources":
            container: KeyPath = (*path, "Properties")
        else:
            if not isinstance(_get(self.doc, path), PosDict):
                raise Refused(f"cannot tell where {attr.name} belongs")
            container = path
        value = self._doc_value(edit.record, attr, edit.value)
        return Step(f"add {attr.name}: {self._describe(value)}", AddKey(container, attr.name, value))

    def _doc_value(self, record: Record, attr: Attr[Any], value: FixValue, nest: bool = True
                   ) -> DocValue:
        if isinstance(value, Reference):
            here, _ = stack_prefix(record.ref)
            there, logical = stack_prefix(value.record.ref)
            if here != there or record.unit != value.record.unit:
                raise Refused(f"{value.record.ref} is not in the template of {record.ref}")
            function, attribute = _REFERENCES.get(value.attribute, ("", ""))
            if not function:
                raise Refused(f"cannot refer to the {value.attribute} of {value.record.ref}")
            args = (logical, attribute) if attribute else (logical,)
            converted: DocValue = Intrinsic(function, args)
        else:
            converted = value
        field = _MAPPING_SETTINGS.get(attr.name) if nest else None
        return {field: converted} if field else converted

    @staticmethod
    def _scalar(record: Record, value: FixValue) -> bool | int | str:
        if isinstance(value, Reference):
            raise Refused(f"cannot write a reference in place of a value of {record.ref}")
        return value

    @staticmethod
    def _describe(value: DocValue) -> str:
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k}: {CloudFormationEditor._describe(v)}" for k, v in value.items()) + "}"
        if isinstance(value, Intrinsic):
            return f"{value.name} {'.'.join(value.args)}"
        return _text(value)

    # -- applying ----------------------------------------------------------------

    def apply(self, text: str, step: Step) -> str:
        doc = self._decode(text)
        detail = step.detail
        if isinstance(detail, SetKey):
            return self._set(text, doc, detail.path, detail.value)
        if isinstance(detail, AddKey):
            return self._add(text, doc, detail.container, detail.key, detail.value)
        raise Refused("unknown step")

    def _set(self, text: str, doc: Any, path: KeyPath, value: bool | int | str | Intrinsic) -> str:
        try:
            mapping = _get(doc, path[:-1])
        except KeyError:
            raise Refused("the value is no longer where the scan found it") from None
        key = path[-1]
        if not isinstance(mapping, PosDict) or key not in mapping:
            raise Refused("the value is no longer where the scan found it")
        current = mapping[key]
        if isinstance(current, PosDict | PosList):
            raise Refused(f"value comes from {short(self._written(mapping.val_pos[key], text))}")
        if self.json:
            return json_text.replace_scalar(text, mapping.val_pos[key], current, value)
        return yaml_text.replace_scalar(
            text, mapping.val_pos[key], current, value, short_tags=yaml_text.uses_short_tags(text)
        )

    def _add(self, text: str, doc: Any, container: KeyPath, key: str, value: DocValue) -> str:
        # The deepest mapping of the path that exists; what is missing is written nested.
        depth = 0
        node = doc
        while depth < len(container):
            part = container[depth]
            if not (isinstance(node, PosDict) and part in node):
                break
            node = node[part]
            depth += 1
        if not isinstance(node, PosDict):
            raise Refused(f"{'.'.join(map(str, container[:depth]))} is not a mapping")
        nested: DocValue = {key: value}
        for part in reversed(container[depth:]):
            nested = {str(part): nested}
        ((first_key, first_value),) = nested.items()
        if first_key in node:
            return self._merge(text, (*container[:depth], first_key), first_value)
        if self.json:
            return json_text.add_member(text, node, first_key, first_value)
        return yaml_text.add_entry(
            text, node, first_key, first_value, step=self._step(doc, container[:depth]),
            short_tags=yaml_text.uses_short_tags(text), style=yaml_text.string_style(text, doc),
        )

    def _merge(self, text: str, path: KeyPath, value: DocValue) -> str:
        """A key that exists by now (an earlier step wrote it): set or complete it."""
        doc = self._decode(text)
        current = _get(doc, path)
        if isinstance(value, dict) and isinstance(current, PosDict):
            for key, sub in value.items():
                text = self._add(text, self._decode(text), path, key, sub)
            return text
        if isinstance(value, bool | int | str | Intrinsic) and not isinstance(current, PosDict | PosList):
            return self._set(text, doc, path, value)
        raise Refused(f"{path[-1]} is already written differently")

    # -- helpers -----------------------------------------------------------------

    def _decode(self, text: str) -> Any:
        try:
            doc = decode(text)
        except DecodeError as exc:
            raise Refused(f"the template would not parse ({exc.message}, line {exc.line})") from None
        if not isinstance(doc, PosDict):
            raise Refused("the template is not a mapping")
        return doc

    def _entry_at(self, span: Span) -> tuple[KeyPath, PosDict, str]:
        for path, mapping, key in _entries(self.doc):
            pos = mapping.key_pos.get(key)
            if pos is not None and pos[0] == span.line and pos[1] == span.column:
                return path, mapping, key
        raise Refused(f"cannot find the property at {span.path}:{span.line}")

    def _written(self, pos: tuple[int, int, int, int], text: str | None = None) -> str:
        text = self.source.text if text is None else text
        lines = Lines(text)
        return text[lines.offset(pos[0], pos[1]):lines.offset(pos[2], pos[3])]

    @staticmethod
    def _step(doc: Any, path: KeyPath) -> str:
        """The template's indentation step, read where the edit goes: the columns between a
        mapping's key and its entries (two spaces when that cannot be read)."""
        for depth in range(len(path), 0, -1):
            parent = _get(doc, path[: depth - 1])
            child = _get(doc, path[:depth])
            key = path[depth - 1]
            if isinstance(parent, PosDict) and isinstance(child, PosDict) and child and key in parent.key_pos:
                inner = child.key_pos[next(iter(child))][1]
                outer = parent.key_pos[key][1]
                if inner > outer:
                    return " " * (inner - outer)
        return "  "
