"""The Terraform editor: edits of ``scanner.policy``'s vocabulary as the smallest change to
a ``.tf`` file, in the style ``terraform fmt`` keeps.

* A value that is written is changed where it is written, and only if it is a literal
  (``false``, ``30``, ``"Suspended"``); a value that comes from the default of a root
  module's variable changes that default when nothing else uses the variable. Anything
  else (``local.x``, a conditional, a variable set elsewhere) is left, and said.
* An absent attribute is added inside its block, after the block's last attribute, at the
  indentation of its siblings; the ``=`` chain it joins is aligned as ``terraform fmt``
  aligns it (when it was aligned so before).
* A setting the provider keeps in a resource of its own (``aws_s3_bucket_versioning``) is
  added as that resource, right after the resource it configures.

Comments, blank lines and every line the edit does not write stay as they are.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from lark import Token, Tree

from scanner.fixing.editors.base import Planner, Refused, Step, Workspace, module_prefix, short
from scanner.fixing.editors.hcl_layout import align_chain, chain_aligned, chain_of, realign_comments
from scanner.fixing.editors.source import (
    Change,
    Lines,
    NotEditable,
    Source,
    apply_changes,
    indentation,
    insert_lines,
    splice,
)
from scanner.model import Attr, Record, Span
from scanner.parsers.terraform.hcl import Attribute, Block, SourceFile, node_span, parse_source
from scanner.parsers.terraform.lexer import lex
from scanner.policy import AddAttribute, AddResource, FixValue, Reference, SetAttribute
from scanner.valueclass import ValueObject, value_class

BlockPath = tuple[tuple[str, tuple[str, ...], int], ...]

_VAR_REFERENCE = re.compile(r"(?<![\w.-])var\.([A-Za-z_][\w-]*)(?![\w-])")

# Meta-arguments written last by convention: a new attribute goes before them.
_WRITTEN_LAST = frozenset({"depends_on"})

# The model's value → the value the source writes, where the two differ (the inline
# ``versioning`` block of provider v3 writes a bool where the model has a status).
_SOURCE_VALUES: dict[str, dict[Any, Any]] = {
    "versioning.enabled": {"Enabled": True, "Suspended": False, "Disabled": False},
}


@value_class()
class Companion(ValueObject):
    """A resource that carries one setting of another (provider v4+ split S3 settings)."""

    link: str  # the argument that names the configured resource
    link_attribute: str  # which of its attributes: ``id``
    blocks: tuple[str, ...]  # nested blocks around the setting
    setting: str


COMPANIONS: dict[str, Companion] = {
    "aws_s3_bucket_versioning": Companion(
        link="bucket", link_attribute="id", blocks=("versioning_configuration",), setting="status"
    ),
}

# The model's name of a referenced attribute → Terraform's.
_REFERENCE_ATTRIBUTES = {"arn": "arn", "id": "id"}


@value_class()
class HclValue(ValueObject):
    text: str  # as a new attribute writes it
    kind: str  # bool | int | str | expr


@value_class()
class SetValue(ValueObject):
    path: BlockPath
    name: str
    value: HclValue


@value_class()
class AddValue(ValueObject):
    path: BlockPath
    nested: tuple[str, ...]  # blocks to enter (or create) inside the block at ``path``
    name: str
    value: HclValue


@value_class()
class AddCompanion(ValueObject):
    path: BlockPath  # the configured resource's block
    kind: str
    label: str
    companion: Companion
    value: HclValue


# ---------------------------------------------------------------------------
# Reading the tree
# ---------------------------------------------------------------------------


def _blocks(body: Block) -> Iterator[tuple[Block, BlockPath]]:
    stack: list[tuple[Block, BlockPath]] = [(body, ())]
    while stack:
        block, path = stack.pop()
        yield block, path
        seen: Counter[tuple[str, tuple[str, ...]]] = Counter()
        for child in block.blocks:
            key = (child.type, child.labels)
            stack.append((child, (*path, (child.type, child.labels, seen[key]))))
            seen[key] += 1


def _resolve(body: Block, path: BlockPath) -> Block:
    block = body
    for block_type, labels, index in path:
        same = [c for c in block.blocks if c.type == block_type and c.labels == labels]
        if index >= len(same):
            raise Refused("the block to edit is no longer where the scan found it")
        block = same[index]
    return block


def _starts_at(span: Span, line: int, column: int) -> bool:
    return span.line == line and span.column == column


def _descend(node: Tree | Token) -> Tree | Token:
    while isinstance(node, Tree) and node.data == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    return node


def literal_of(expr: Tree | Token) -> tuple[str, object] | None:
    """(kind, value) of a literal expression (``true``, ``30``, ``-1``, ``"text"``), else None."""
    node = _descend(expr)
    if isinstance(node, Tree) and node.data == "unary_op":
        parts = [c for c in node.children if not (isinstance(c, Tree) and c.data == "new_line_or_comment")]
        if len(parts) == 2 and isinstance(parts[0], Token) and str(parts[0]) == "-":
            inner = literal_of(parts[1])
            if inner is not None and inner[0] in ("int", "float"):
                return inner[0], -inner[1]  # type: ignore[operator]
        return None
    if not isinstance(node, Tree):
        return None
    if node.data == "literal_value" and node.children:
        word = str(node.children[0])
        if word in ("true", "false"):
            return "bool", word == "true"
        return ("null", None) if word == "null" else None
    if node.data == "int_lit":
        return "int", int(str(node.children[0]))
    if node.data == "float_lit":
        return "float", float(str(node.children[0]))
    if node.data == "string":
        text = []
        for part in node.children:
            if isinstance(part, Token):
                continue
            if any(isinstance(c, Tree) for c in part.children):
                return None  # an interpolation or a directive: an expression
            text.extend(str(c) for c in part.children)
        return "str", "".join(text)
    return None


def quote(text: str) -> str:
    """``text`` as an HCL quoted string (escapes, and ``${``/``%{`` kept literal)."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        .replace("\t", "\\t").replace("${", "$${").replace("%{", "%%{")
    )
    return f'"{escaped}"'


def _render(value: object) -> HclValue:
    if isinstance(value, bool):
        return HclValue("true" if value else "false", "bool")
    if isinstance(value, int):
        return HclValue(str(value), "int")
    if isinstance(value, str):
        return HclValue(quote(value), "str")
    raise Refused(f"cannot write the value {value!r}")


# ---------------------------------------------------------------------------
# The editor
# ---------------------------------------------------------------------------


class TerraformEditor(Planner):
    """The edits of one ``.tf`` file."""

    def __init__(self, source: Source, workspace: Workspace) -> None:
        if source.path.endswith(".json"):
            raise Refused(f"{source.path}: Terraform JSON files are not edited")
        self.source = source
        self.workspace = workspace
        self.original = self._parse(source.text)
        self.lines = Lines(source.text)
        # The top-level blocks, by the first element of a block path.
        self.top: dict[tuple[str, tuple[str, ...], int], Block] = {}
        seen: Counter[tuple[str, tuple[str, ...]]] = Counter()
        for block in self.original.body.blocks:
            self.top[(block.type, block.labels, seen[(block.type, block.labels)])] = block
            seen[(block.type, block.labels)] += 1
        self._attributes: dict[tuple[int, int], tuple[Block, BlockPath, Attribute]] = {}
        self._headers: dict[tuple[int, int], tuple[Block, BlockPath]] = {}
        self._starts: dict[tuple[int, int], tuple[Block, BlockPath]] = {}
        for block, path in _blocks(self.original.body):
            if path:
                self._headers.setdefault((block.header.line, block.header.column), (block, path))
                self._starts.setdefault((block.span.line, block.span.column), (block, path))
            for attribute in block.attributes.values():
                self._attributes.setdefault((attribute.span.line, attribute.span.column),
                                            (block, path, attribute))
        self.unit = self._unit(self.lines)

    # -- planning (on the file as scanned) -------------------------------------

    def _plan_set(self, edit: SetAttribute) -> Step:
        block, path, attribute = self._attribute_at(edit.attr.span)
        if literal_of(attribute.expr) is None:
            raise Refused(f"value comes from {short(self._expression_text(attribute))}")
        value = self._value(edit.record, edit.attr, edit.value)
        shown = edit.attr.name or attribute.name
        return Step(f"{shown} = {value.text}", SetValue(path, attribute.name, value))

    def _plan_default(self, edit: SetAttribute) -> Step:
        attr = edit.attr
        assert attr.via_span is not None
        block, path, attribute = self._attribute_at(attr.via_span)
        if block.type != "variable" or attribute.name != "default":
            raise Refused(f"value comes from {attr.via}, whose default was not found")
        if block.children("validation"):
            raise Refused(f"value comes from {attr.via}, which has a validation rule")
        if self._uses_of(attr.via_span.path, attr.via.removeprefix("var.")) > 1:
            raise Refused(f"value comes from {attr.via} (used elsewhere)")
        if literal_of(attribute.expr) is None:
            raise Refused(f"value comes from {attr.via}, whose default is not a literal")
        if isinstance(edit.value, Reference):
            raise Refused(f"value comes from {attr.via}, and a default cannot refer to a resource")
        value = self._value(edit.record, attr, edit.value)
        return Step(f"{attr.via} default = {value.text}", SetValue(path, "default", value))

    def _plan_add(self, edit: AddAttribute) -> Step:
        attr = edit.attr
        container, path = self._block_with_header(attr.span)
        *parents, leaf = attr.name.split(".")
        if parents and container.type == parents[-1]:
            nested: tuple[str, ...] = ()
        elif _starts_at(container.span, edit.record.span.line, edit.record.span.column):
            nested = tuple(parents)
        else:
            raise Refused(f"cannot tell which block {attr.name} belongs in")
        value = self._value(edit.record, attr, edit.value)
        return Step(f"add {attr.name} = {value.text}", AddValue(path, nested, leaf, value))

    def _plan_companion(self, edit: AddResource) -> Step:
        companion = COMPANIONS.get(edit.kind)
        if companion is None:
            raise Refused(f"adding a {edit.kind} is not supported")
        near = edit.near
        if "[" in module_prefix(near.ref)[1]:
            raise Refused(f"{near.ref} is created with count or for_each")
        block, path = self._block_at(near.span)
        if block.type != "resource" or len(block.labels) != 2:
            raise Refused(f"{near.ref} is not a resource block")
        label = self._free_label(edit.kind, block.labels[1])
        value = self._value(near, edit.attr, edit.value)
        return Step(f"add {edit.kind}.{label}", AddCompanion(path, edit.kind, label, companion, value))

    def _value(self, record: Record, attr: Attr[Any], value: FixValue) -> HclValue:
        if isinstance(value, Reference):
            here, _ = module_prefix(record.ref)
            there, local = module_prefix(value.record.ref)
            if here != there or record.unit != value.record.unit:
                raise Refused(f"{value.record.ref} is not in the module of {record.ref}")
            name = _REFERENCE_ATTRIBUTES.get(value.attribute)
            if name is None:
                raise Refused(f"cannot refer to the {value.attribute} of {value.record.ref}")
            return HclValue(f"{local}.{name}", "expr")
        forms = _SOURCE_VALUES.get(attr.name, {})
        return _render(forms.get(value, value))

    # -- applying (on the current text) ----------------------------------------

    def render(self, steps: list[Step]) -> str:
        """The file with ``steps`` done. Each step edits one top-level block, so each block
        is cut out, edited step after step as a file of its own (parsed again after each
        step: its size, not the file's, is what a step costs), and put back."""
        text, lines = self.source.text, self.lines
        groups: dict[tuple[str, tuple[str, ...], int], list[Step]] = {}
        for step in steps:
            groups.setdefault(step.detail.path[0], []).append(step)
        changes: list[Change] = []
        for key, group in groups.items():
            block = self.top[key]
            first, last = block.span.line, block.span.end_line
            start, end = lines.starts[first - 1], lines.end_of_line(last)
            segment = text[start:end]
            newline = segment.endswith("\n")
            segment = segment if newline else segment + "\n"
            followed = last < lines.count and bool(lines.line(last + 1).strip())
            for step in group:
                segment = self._apply(segment, step.detail, followed)
            changes.append(Change(start, end, segment if newline else segment.removesuffix("\n")))
        try:
            return apply_changes(text, changes)
        except NotEditable as exc:
            raise Refused(str(exc)) from None

    def _apply(self, text: str, detail: SetValue | AddValue | AddCompanion, followed: bool) -> str:
        """One step on the text of its top-level block alone."""
        tree = self._parse(text)
        (block_type, labels, _), *inner = detail.path
        path: BlockPath = ((block_type, labels, 0), *inner)
        if isinstance(detail, SetValue):
            block = _resolve(tree.body, path)
            attribute = block.attributes.get(detail.name)
            if attribute is None:
                raise Refused(f"{detail.name} is no longer where the scan found it")
            return self._replace_literal(text, attribute, detail.value)
        if isinstance(detail, AddValue):
            return self._add(text, tree, AddValue(path, detail.nested, detail.name, detail.value))
        return self._add_companion(text, tree, AddCompanion(
            path, detail.kind, detail.label, detail.companion, detail.value), followed)

    def _replace_literal(self, text: str, attribute: Attribute, value: HclValue) -> str:
        found = literal_of(attribute.expr)
        if found is None:
            raise Refused(f"value comes from {short(self._expression_text(attribute, text))}")
        new = value.text
        if found[0] == "str" and value.kind in ("bool", "int"):
            new = quote(value.text)  # the author wrote it as a string: keep it one
        span = node_span(self.source.path, attribute.expr)
        lines = Lines(text)
        start, end = lines.offset(span.line, span.column), lines.offset(span.end_line, span.end_column)
        if text[start:end] == new:
            return text
        edited = splice(text, start, end, new)
        same = {n: n for n in range(1, lines.count + 1)}
        return realign_comments(text, edited, {span.line}, same)

    def _add(self, text: str, tree: SourceFile, detail: AddValue) -> str:
        container = _resolve(tree.body, detail.path)
        path = detail.path
        for index, block_type in enumerate(detail.nested):
            children = container.children(block_type)
            if len(children) > 1:
                raise Refused(f"{block_type} is written more than once")
            if not children:
                return self._insert(text, container, path, detail.nested[index:], detail)
            container = children[0]
            path = (*path, (container.type, container.labels, 0))
        existing = container.attributes.get(detail.name)
        if existing is not None:
            return self._replace_literal(text, existing, detail.value)
        return self._insert(text, container, path, (), detail)

    def _insert(
        self, text: str, container: Block, path: BlockPath, create: tuple[str, ...],
        detail: AddValue,
    ) -> str:
        lines = Lines(text)
        outer, unit = self._indents(lines, container)
        inner = outer + unit
        if container.span.end_line == container.span.line:
            return self._expand_one_line_block(text, lines, container, outer, unit, create, detail)
        new = _nested_setting(inner, unit, create, detail)
        anchor = self._anchor(container)
        after = anchor.span.end_line if anchor is not None else container.header.end_line
        if create and anchor is not None:
            new.insert(0, "")
        edited = insert_lines(text, after, new)
        first_new = after + 1 + (1 if create and anchor is not None else 0)
        touched = set(range(after + 1, after + len(new) + 1)) | {after, after + len(new) + 1}
        if not create:
            edited, changed = self._align(edited, path, first_new)
            touched |= changed
        old_line_of = {
            n: (n if n <= after else n - len(new))
            for n in range(1, Lines(edited).count + 1)
            if not after < n <= after + len(new)
        }
        return realign_comments(text, edited, touched, old_line_of)

    def _align(self, text: str, path: BlockPath, line: int) -> tuple[str, set[int]]:
        block = _resolve(self._parse(text).body, path)
        chain = chain_of(block, line)
        others = [item for item in chain if item.line != line]
        if not chain_aligned(Lines(text), others):
            return text, set()  # laid out by hand: the siblings keep their spacing
        return align_chain(text, chain)

    def _expand_one_line_block(
        self, text: str, lines: Lines, container: Block, outer: str, unit: str,
        create: tuple[str, ...], detail: AddValue,
    ) -> str:
        start = lines.offset(container.header.end_line, container.header.end_column)
        end = lines.offset(container.span.end_line, container.span.end_column)
        if text[start:end - 1].strip():
            raise Refused("the block is written on one line")
        body = _nested_setting(outer + unit, unit, create, detail)
        return splice(text, start, end - 1, "\n" + "\n".join(body) + "\n" + outer)

    def _add_companion(self, text: str, tree: SourceFile, detail: AddCompanion, followed: bool) -> str:
        near = _resolve(tree.body, detail.path)
        lines = Lines(text)
        outer, unit = self._indents(lines, near)
        companion = detail.companion
        address = f"{near.labels[0]}.{near.labels[1]}.{companion.link_attribute}"
        body = [
            f'{outer}resource "{detail.kind}" "{detail.label}" {{',
            f"{outer}{unit}{companion.link} = {address}",
            "",
        ]
        depth = outer + unit
        for block_type in companion.blocks:
            body.append(f"{depth}{block_type} {{")
            depth += unit
        body.append(f"{depth}{companion.setting} = {detail.value.text}")
        for _ in companion.blocks:
            depth = depth[: len(depth) - len(unit)]
            body.append(f"{depth}}}")
        body.append(f"{outer}}}")
        after = near.span.end_line
        new = ["", *body]
        if followed or (after < lines.count and lines.line(after + 1).strip()):
            new.append("")
        return insert_lines(text, after, new)

    # -- helpers -----------------------------------------------------------------

    def _parse(self, text: str) -> SourceFile:
        parsed = parse_source(self.source.path, text)
        if not isinstance(parsed, SourceFile):
            raise Refused(f"the edited file would not parse ({parsed.message})")
        if parsed.problems:
            raise Refused(f"the edited file would not be valid ({parsed.problems[0].message})")
        return parsed

    def _attribute_at(self, span: Span) -> tuple[Block, BlockPath, Attribute]:
        found = self._attributes.get((span.line, span.column))
        if found is None or not found[1]:
            raise Refused(f"cannot find the attribute at {span.path}:{span.line}")
        return found

    def _block_with_header(self, span: Span) -> tuple[Block, BlockPath]:
        found = self._headers.get((span.line, span.column))
        if found is None:
            raise Refused(f"cannot find the block at {span.path}:{span.line}")
        return found

    def _block_at(self, span: Span) -> tuple[Block, BlockPath]:
        found = self._starts.get((span.line, span.column))
        if found is None:
            raise Refused(f"cannot find the block at {span.path}:{span.line}")
        return found

    def _expression_text(self, attribute: Attribute, text: str | None = None) -> str:
        text = self.source.text if text is None else text
        span = node_span(self.source.path, attribute.expr)
        lines = Lines(text)
        return text[lines.offset(span.line, span.column):lines.offset(span.end_line, span.end_column)]

    @staticmethod
    def _anchor(block: Block) -> Attribute | None:
        candidates = [a for a in block.attributes.values() if a.name not in _WRITTEN_LAST]
        return max(candidates, key=lambda a: a.span.line, default=None)

    def _indents(self, lines: Lines, block: Block) -> tuple[str, str]:
        """The block's own indentation, and one level of its body's."""
        outer = indentation(lines.line(block.span.line))
        first = min(
            [a.span.line for a in block.attributes.values()] + [b.span.line for b in block.blocks],
            default=0,
        )
        if first and first != block.span.line:
            inner = indentation(lines.line(first))
            if inner.startswith(outer) and len(inner) > len(outer):
                return outer, inner[len(outer):]
        return outer, self.unit

    def _unit(self, lines: Lines) -> str:
        """The file's indentation step (two spaces, as ``terraform fmt`` writes, if none)."""
        for block in self.original.body.blocks:
            items = [a.span.line for a in block.attributes.values()] + [b.span.line for b in block.blocks]
            items = [n for n in items if n != block.span.line]
            if items:
                inner = indentation(lines.line(min(items)))
                outer = indentation(lines.line(block.span.line))
                if inner.startswith(outer) and len(inner) > len(outer):
                    return inner[len(outer):]
        return "  "

    def _uses_of(self, rel: str, variable: str) -> int:
        """References to ``var.<variable>`` in the module's files, outside comments. Text
        in strings counts too: when unsure, the variable is "used elsewhere"."""
        folder = str(PurePosixPath(rel).parent)
        key = ("var-uses", folder)
        if key not in self.workspace.memo:
            uses: Counter[str] = Counter()
            for name in self.workspace.neighbours(rel, (".tf", ".tf.json")):
                text = self.workspace.read(name)
                if text is None:
                    uses["\0unreadable"] += 1
                    continue
                if name.endswith(".tf"):
                    text = _without_comments(text)
                uses.update(m.group(1) for m in _VAR_REFERENCE.finditer(text))
            self.workspace.memo[key] = uses
        uses = self.workspace.memo[key]
        return 2 if uses["\0unreadable"] else uses[variable]

    def _free_label(self, kind: str, wanted: str) -> str:
        """A name for a new ``kind`` resource in this module: ``wanted``, else the first
        ``wanted_<n>`` free (names given earlier in the run count as taken)."""
        folder = str(PurePosixPath(self.source.path).parent)
        key = ("labels", folder, kind)
        if key not in self.workspace.memo:
            taken: set[str] = set()
            for name in self.workspace.neighbours(self.source.path, (".tf",)):
                parsed = parse_source(name, self.workspace.read(name) or "")
                if isinstance(parsed, SourceFile):
                    taken.update(
                        b.labels[1] for b in parsed.body.blocks
                        if b.type == "resource" and len(b.labels) == 2 and b.labels[0] == kind
                    )
            self.workspace.memo[key] = taken
        taken = self.workspace.memo[key]
        label, number = wanted, 1
        while label in taken:
            number += 1
            label = f"{wanted}_{number}"
        taken.add(label)
        return label


def _without_comments(text: str) -> str:
    out = []
    pos = 0
    for comment in lex(text).comments:
        out.append(text[pos:comment.start])
        pos = comment.end
    out.append(text[pos:])
    return "".join(out)


def _nested_setting(indent: str, unit: str, create: tuple[str, ...], detail: AddValue) -> list[str]:
    """The lines of ``detail`` inside the nested blocks ``create`` (outermost first) that do
    not exist yet, starting at ``indent`` and indenting by ``unit`` per level."""
    lines: list[str] = []
    depth = indent
    for block_type in create:
        lines.append(f"{depth}{block_type} {{")
        depth += unit
    lines.append(f"{depth}{detail.name} = {detail.value.text}")
    for _ in create:
        depth = depth[: len(depth) - len(unit)]
        lines.append(f"{depth}}}")
    return lines
