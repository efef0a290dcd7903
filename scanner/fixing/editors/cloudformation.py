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
from typing import Any

from scanner.fixing.editors import json_text, yaml_text
from scanner.fixing.editors.base import (
    DocValue,
    Intrinsic,
    Planner,
    Refused,
    Step,
    Workspace,
    short,
    stack_prefix,
)
from scanner.fixing.editors.source import Change, Lines, NotEditable, Source, apply_changes
from scanner.model import Attr, Record, Span
from scanner.parsers.cloudformation.decode import DecodeError, PosDict, PosList, decode
from scanner.policy import AddAttribute, AddResource, FixValue, Reference, SetAttribute
from scanner.valueclass import ValueObject, value_class

KeyPath = tuple[str | int, ...]

# An absent property the model reads one field of: written as a mapping holding it.
_MAPPING_SETTINGS = {"VersioningConfiguration": "Status"}
# The model's name of a referenced attribute → how a template gets it.
_REFERENCES = {"arn": ("Fn::GetAtt", "Arn"), "id": ("Ref", "")}


@value_class()
class SetKey(ValueObject):
    path: KeyPath
    value: bool | int | str | Intrinsic


@value_class()
class AddKey(ValueObject):
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


def _merge(into: dict[str, DocValue], more: dict[str, DocValue]) -> None:
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)  # type: ignore[arg-type]
        else:
            into[key] = value


def _text(value: bool | int | str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class CloudFormationEditor(Planner):
    """The edits of one template (YAML or JSON)."""

    def __init__(self, source: Source, workspace: Workspace) -> None:
        self.source = source
        self.workspace = workspace
        self.json = source.text.lstrip().startswith("{")
        self.doc = self._decode(source.text)
        self.lines = Lines(source.text)

    # -- planning ----------------------------------------------------------------

    def _plan_companion(self, edit: AddResource) -> Step:
        raise Refused(f"a template has no {edit.kind}: the setting belongs on the resource")

    def _plan_set(self, edit: SetAttribute) -> Step:
        path, mapping, key = self._entry_at(edit.attr.span)
        current = mapping[key]
        if isinstance(current, PosDict | PosList):
            raise Refused(f"value comes from {short(self._written(mapping.val_pos[key]))}")
        value = self._doc_value(edit.record, edit.attr, edit.value, nest=False)
        assert not isinstance(value, dict)
        self._check_scalar(mapping, key, current, value)
        return Step(f"{key}: {self._describe(value)}", SetKey(path, value))

    def _check_scalar(self, mapping: PosDict, key: str, current: Any,
                      value: bool | int | str | Intrinsic) -> None:
        """The value is one the template writes as a plain or quoted scalar (not a block
        scalar, an alias or a tag): refused here, before any step is rendered."""
        if self.json:
            json_text.replace_scalar(self.source.text, self.lines, mapping.val_pos[key], current, value)
        else:
            yaml_text.replace_scalar(self.source.text, self.lines, mapping.val_pos[key], current, value)

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
        self._check_scalar(mapping, key, mapping[key], value)
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
        depth = self._existing_depth(container)
        node = _get(self.doc, container[:depth])
        if self.json:
            json_text.check_object(self.source.text, self.lines, node)
        else:
            yaml_text.check_block_mapping(self.source.text, self.lines, node)
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

    # -- rendering ---------------------------------------------------------------

    def render(self, steps: list[Step]) -> str:
        """The template with ``steps`` done, all computed on the template as scanned and
        written at once: values replaced where they are, new entries of one mapping
        gathered into one insertion (two fixes adding to one resource's absent
        ``Properties`` write one ``Properties``)."""
        text, doc = self.source.text, self.doc
        self._sets: dict[KeyPath, bool | int | str | Intrinsic] = {}
        self._adds: dict[KeyPath, dict[str, DocValue]] = {}
        for step in steps:
            detail = step.detail
            if isinstance(detail, SetKey):
                self._sets[detail.path] = detail.value
            elif isinstance(detail, AddKey):
                depth = self._existing_depth(detail.container)
                nested: DocValue = {detail.key: detail.value}
                for part in reversed(detail.container[depth:]):
                    nested = {str(part): nested}
                assert isinstance(nested, dict)
                self._place(detail.container[:depth], nested)
        lines = Lines(text)
        short_tags = yaml_text.uses_short_tags(text)
        style = yaml_text.string_style(text, doc)
        changes: list[Change] = []
        for path, value in self._sets.items():
            mapping = _get(doc, path[:-1])
            key = path[-1]
            current = mapping[key]
            if isinstance(current, PosDict | PosList):
                raise Refused(f"value comes from {short(self._written(mapping.val_pos[key]))}")
            if self.json:
                changes.append(json_text.replace_scalar(text, lines, mapping.val_pos[key], current, value))
            else:
                changes.append(yaml_text.replace_scalar(
                    text, lines, mapping.val_pos[key], current, value, short_tags=short_tags))
        for path, entries in self._adds.items():
            node = _get(doc, path)
            if self.json:
                changes.append(json_text.add_members(text, lines, node, entries))
            else:
                changes.append(yaml_text.add_entries(
                    text, lines, node, entries, step=self._step(doc, path), short_tags=short_tags,
                    style=style))
        try:
            return apply_changes(text, changes)
        except NotEditable as exc:
            raise Refused(str(exc)) from None

    def _existing_depth(self, path: KeyPath) -> int:
        node, depth = self.doc, 0
        while depth < len(path) and isinstance(node, PosDict) and path[depth] in node:
            node = node[path[depth]]
            depth += 1
        if not isinstance(node, PosDict):
            raise Refused(f"{'.'.join(map(str, path[:depth]))} is not a mapping")
        return depth

    def _place(self, path: KeyPath, entries: dict[str, DocValue]) -> None:
        """Record ``entries`` for the existing mapping at ``path``: a key it has already is
        set (scalar) or completed (mapping); the others are added."""
        node = _get(self.doc, path)
        for key, value in entries.items():
            if key in node:
                current = node[key]
                if isinstance(value, dict) and isinstance(current, PosDict):
                    self._place((*path, key), value)
                elif not isinstance(value, dict) and not isinstance(current, PosDict | PosList):
                    self._sets[(*path, key)] = value
                else:
                    raise Refused(f"{key} is already written differently")
                continue
            pending = self._adds.setdefault(path, {})
            if isinstance(value, dict) and isinstance(pending.get(key), dict):
                _merge(pending[key], value)  # type: ignore[arg-type]
            else:
                pending[key] = value

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
