"""Read ``.tf`` and ``.tf.json`` files into a small block/attribute syntax tree.

Expressions stay as python-hcl2 lark nodes (so every attribute keeps its exact span);
only the block structure is lifted out. Terraform JSON is parsed with the same grammar:
a JSON document is a valid HCL object expression, and its strings are templates, which is
exactly Terraform's JSON semantics.
"""

from __future__ import annotations

from dataclasses import field
from pathlib import Path

from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from scanner.model import ParseProblem, Span
from scanner.parsers.common import read_text
from scanner.parsers.terraform.rewrite import parse_hcl
from scanner.parsers.terraform.templates import unescape
from scanner.valueclass import ValueObject, value_class


@value_class(frozen=False)
class Attribute(ValueObject):
    """``name = expr`` in a block, with the expression still a parse tree."""

    name: str
    expr: Tree | Token
    span: Span
    # Why the attribute has no usable value although it is written: set twice in one block
    # (Terraform rejects the file; neither value would be deployed, so it is UNKNOWN).
    conflict: str = ""


@value_class(frozen=False)
class Block(ValueObject):
    """A block (the file's body is one, of type ``""``): labels, attributes, nested blocks."""

    type: str
    labels: tuple[str, ...]
    span: Span
    header: Span
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def children(self, block_type: str) -> list[Block]:
        return [b for b in self.blocks if b.type == block_type]


@value_class(frozen=False)
class SourceFile(ValueObject):
    """One parsed ``.tf`` file: its body, its text (for comments) and its problems."""

    path: str  # relative to the scan root
    body: Block
    text: str
    # What Terraform rejects although the file parses (an argument set twice).
    problems: list[ParseProblem] = field(default_factory=list)


def where(span: Span) -> str:
    """A location the way Terraform prints one in a message: ``main.tf:2,3``."""
    return f"{span.path}:{span.line},{span.column}"


def _redefined(
    problems: list[ParseProblem], block: Block, attribute: Attribute, headline: str
) -> None:
    """An argument set twice: CT901 at the second, and the argument becomes UNKNOWN."""
    first = block.attributes[attribute.name]
    problems.append(ParseProblem(
        span=Span(path=attribute.span.path, line=attribute.span.line,
                  column=attribute.span.column),
        message=f'{headline}: the argument "{attribute.name}" was already set at '
                f"{where(first.span)}; each argument may be set only once",
    ))
    if not first.conflict:
        block.attributes[attribute.name] = Attribute(
            name=first.name, expr=first.expr, span=first.span,
            conflict=f'"{attribute.name}" is set more than once in one block '
                     f"({where(first.span)} and line {attribute.span.line}); Terraform "
                     "rejects the configuration",
        )


def _last_token(node: Tree | Token) -> Token | None:
    if isinstance(node, Token):
        return node if node.type != "NL_OR_COMMENT" else None
    for child in reversed(node.children):
        if isinstance(child, Tree) and child.data == "new_line_or_comment":
            continue
        hit = _last_token(child)
        if hit is not None:
            return hit
    return None


def _first_token(node: Tree | Token) -> Token | None:
    if isinstance(node, Token):
        return node if node.type != "NL_OR_COMMENT" else None
    for child in node.children:
        if isinstance(child, Tree) and child.data == "new_line_or_comment":
            continue
        hit = _first_token(child)
        if hit is not None:
            return hit
    return None


def node_span(path: str, node: Tree | Token, end: Tree | Token | None = None) -> Span:
    """Span from the first to the last meaningful token of ``node`` (or ``end``)."""
    first = _first_token(node)
    last = _last_token(end if end is not None else node)
    if first is None or last is None:
        return Span(path=path)
    end_line = last.end_line or last.line or 1
    end_column = last.end_column or last.column or 1
    if last.type in ("HEREDOC_TEMPLATE", "HEREDOC_TEMPLATE_TRIM") and str(last).endswith("\n"):
        # the heredoc token swallows the newline after its closing marker
        marker = str(last).rstrip("\n").split("\n")[-1]
        end_line -= 1
        end_column = len(marker) + 1
    return Span(
        path=path,
        line=first.line or 1,
        column=first.column or 1,
        end_line=end_line,
        end_column=end_column,
    )


def _label(node: Tree) -> str:
    if node.data == "string":
        return "".join(
            unescape(str(tok))
            for part in node.children
            if isinstance(part, Tree)
            for tok in part.children
            if isinstance(tok, Token)
        )
    return str(node.children[0])


def _meaningful(children: list[object]) -> list[Tree]:
    return [c for c in children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def _hcl_block(path: str, node: Tree, problems: list[ParseProblem]) -> Block:
    parts = _meaningful(node.children)
    body = next(p for p in parts if p.data == "body")
    names = [p for p in parts if p is not body]
    block_type = str(names[0].children[0])
    labels = tuple(_label(n) for n in names[1:])
    lbrace = next(c for c in node.children if isinstance(c, Token) and c.type == "LBRACE")
    header = Span(
        path=path,
        line=node.meta.line,
        column=node.meta.column,
        end_line=lbrace.end_line or node.meta.line,
        end_column=lbrace.end_column or node.meta.column,
    )
    block = Block(type=block_type, labels=labels, span=node_span(path, node), header=header)
    _fill_hcl_body(path, body, block, problems)
    return block


def _fill_hcl_body(path: str, body: Tree, block: Block, problems: list[ParseProblem]) -> None:
    for child in _meaningful(body.children):
        if child.data == "attribute":
            parts = _meaningful(child.children)
            name = str(parts[0].children[0])
            expr = parts[-1]
            attribute = Attribute(name=name, expr=expr, span=node_span(path, child, expr))
            if name in block.attributes:
                _redefined(problems, block, attribute, "Attribute redefined")
            else:
                block.attributes[name] = attribute
        elif child.data == "block":
            block.blocks.append(_hcl_block(path, child, problems))


# -- Terraform JSON ------------------------------------------------------------

# Keys that are nested blocks (not object-valued attributes) inside a JSON resource:
# Terraform decides this from the provider schema; these are the blocks the scanner maps.
JSON_BLOCK_KEYS = frozenset(
    {
        "event_selector", "data_resource", "advanced_event_selector", "field_selector",
        "insight_selector", "versioning", "logging", "lifecycle_rule", "transition",
        "expiration", "noncurrent_version_transition", "noncurrent_version_expiration",
        "rule", "filter", "and", "tag", "grant", "grantee", "owner", "access_control_policy",
        "versioning_configuration", "object_lock_configuration", "default_retention",
        "statement", "principals", "not_principals", "condition", "inline_policy",
        "metric_transformation", "server_side_encryption_configuration",
        "apply_server_side_encryption_by_default", "abort_incomplete_multipart_upload",
        "lifecycle", "validation", "content", "target_grant", "target_object_key_format",
    }
)
_JSON_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1,
                "provider": 1, "locals": 0, "terraform": 0, "moved": 0, "import": 0,
                "check": 1, "removed": 0}


def _object_elems(node: Tree | Token) -> list[tuple[str, Tree, Tree]] | None:
    """(key, elem node, value node) of a literal object expression, else None."""
    if isinstance(node, Token):
        return None
    while node.data == "expr_term" and len(_meaningful(node.children)) == 1:
        node = _meaningful(node.children)[0]
    if node.data != "object":
        return None
    out = []
    for elem in _meaningful(node.children):
        key_node, value = _meaningful(elem.children)
        key_tree = _meaningful(key_node.children)
        key_expr = key_tree[0] if key_tree else key_node
        while key_expr.data == "expr_term" and _meaningful(key_expr.children):
            key_expr = _meaningful(key_expr.children)[0]
        if key_expr.data in ("string", "identifier", "keyword"):
            out.append((_label(key_expr), elem, value))
    return out


def _tuple_items(node: Tree) -> list[Tree] | None:
    while node.data == "expr_term" and len(_meaningful(node.children)) == 1:
        node = _meaningful(node.children)[0]
    if node.data != "tuple":
        return None
    return _meaningful(node.children)


def _json_body(
    path: str, block: Block, value: Tree, nested_blocks: bool, problems: list[ParseProblem]
) -> None:
    elems = _object_elems(value)
    if elems is None:
        return
    for key, elem, val in elems:
        if key == "dynamic" and nested_blocks:
            for label, sub_elem, sub_val in _object_elems(val) or []:
                for item in _tuple_items(sub_val) or [sub_val]:
                    _json_child(path, block, "dynamic", (label,), sub_elem, item, problems)
            continue
        if nested_blocks and key in JSON_BLOCK_KEYS:
            items = _tuple_items(val)
            if items is not None and all(_object_elems(i) is not None for i in items):
                for item in items:
                    _json_child(path, block, key, (), elem, item, problems)
                continue
            if _object_elems(val) is not None:
                _json_child(path, block, key, (), elem, val, problems)
                continue
        attribute = Attribute(name=key, expr=val, span=node_span(path, elem))
        if key in block.attributes:
            _redefined(problems, block, attribute, "Duplicate attribute definition")
        else:
            block.attributes[key] = attribute


def _json_child(
    path: str, parent: Block, block_type: str, labels: tuple[str, ...], elem: Tree, value: Tree,
    problems: list[ParseProblem],
) -> None:
    span = node_span(path, elem)
    header = Span(path=path, line=span.line, column=span.column)
    child = Block(type=block_type, labels=labels, span=span, header=header)
    _json_body(path, child, value, block_type not in ("locals", "variable"), problems)
    parent.blocks.append(child)


def _json_file(path: str, tree: Tree, root: Block, problems: list[ParseProblem]) -> None:
    attribute = _meaningful(tree.children[0].children)[0]
    for top_key, top_elem, top_val in _object_elems(attribute.children[-1]) or []:
        depth = _JSON_LABELS.get(top_key)
        if depth is None:
            continue
        values = _tuple_items(top_val) or [top_val]
        for value in values:
            _json_level(path, root, top_key, (), depth, top_elem, value, problems)


def _json_level(
    path: str, root: Block, block_type: str, labels: tuple[str, ...], depth: int,
    elem: Tree, value: Tree, problems: list[ParseProblem],
) -> None:
    if depth == 0:
        _json_child(path, root, block_type, labels, elem, value, problems)
        return
    for key, sub_elem, sub_val in _object_elems(value) or []:
        for item in _tuple_items(sub_val) or [sub_val]:
            _json_level(path, root, block_type, (*labels, key), depth - 1, sub_elem, item,
                        problems)


# -- entry point -------------------------------------------------------------------


def problem_from_exception(path: str, exc: Exception) -> ParseProblem:
    line = getattr(exc, "line", 1)
    column = getattr(exc, "column", 1)
    line = line if isinstance(line, int) and line > 0 else 1
    column = column if isinstance(column, int) and column > 0 else 1
    if isinstance(exc, UnexpectedCharacters):
        message = f"unexpected character {exc.char!r}"
    elif isinstance(exc, UnexpectedToken):
        expected = ", ".join(sorted(exc.expected)[:8])
        message = f"unexpected {exc.token.type} {str(exc.token)!r} (expected one of: {expected})"
    elif isinstance(exc, UnexpectedEOF):
        message = "unexpected end of file"
    elif isinstance(exc, UnexpectedInput):
        message = str(exc).splitlines()[0]
    else:
        message = f"{type(exc).__name__}: {exc}"
    return ParseProblem(
        span=Span(path=path, line=line, column=column),
        message=f"cannot parse Terraform file: {message}",
    )


_JSON_PREFIX = "__json__ = "


def _shift_columns(tree: Tree, line: int, delta: int) -> None:
    """Move every position on ``line`` by ``delta`` columns."""
    if delta == 0:
        return
    for sub in tree.iter_subtrees():
        meta = sub._meta  # noqa: SLF001 - only a meta lark already created
        if meta is not None and not getattr(meta, "empty", True):
            if meta.line == line:
                meta.column += delta
            if meta.end_line == line:
                meta.end_column += delta
        for child in sub.children:
            if isinstance(child, Token) and child.line is not None:
                if child.line == line:
                    child.column += delta
                if child.end_line == line:
                    child.end_column += delta


def parse_source(path: str, text: str) -> SourceFile | ParseProblem:
    """Parse one file's text; a syntax error becomes a ParseProblem, never an exception."""
    is_json = path.endswith(".json")
    try:
        if is_json:
            stripped = text.lstrip()
            blank = text[: len(text) - len(stripped)]
            lead = "\n" * blank.count("\n")
            tree = parse_hcl(lead + _JSON_PREFIX + stripped.rstrip() + "\n")
            # the JSON's first line carries the prefix instead of its own indentation
            indent = len(blank) - (blank.rfind("\n") + 1)
            _shift_columns(tree, blank.count("\n") + 1, indent - len(_JSON_PREFIX))
        else:
            tree = parse_hcl(text)
        root = Block(type="", labels=(), span=Span(path=path), header=Span(path=path))
        problems: list[ParseProblem] = []
        if is_json:
            _json_file(path, tree, root, problems)
        else:
            _fill_hcl_body(path, tree.children[0], root, problems)
    except RecursionError:
        return ParseProblem(span=Span(path=path), message="file is nested too deeply to parse")
    except Exception as exc:  # lark and anything unexpected: report, never crash
        if is_json and isinstance(exc, UnexpectedInput):
            # the synthetic prefix sits on the JSON's first line
            blank = text[: len(text) - len(text.lstrip())]
            column = getattr(exc, "column", 1)
            if isinstance(column, int) and getattr(exc, "line", 1) == blank.count("\n") + 1:
                indent = len(blank) - (blank.rfind("\n") + 1)
                exc.column = max(1, column - len(_JSON_PREFIX) + indent)
        return problem_from_exception(path, exc)
    return SourceFile(path=path, body=root, text=text, problems=problems)


def read_source(file: Path, rel: str, max_bytes: int) -> SourceFile | ParseProblem:
    text, why = read_text(file, max_bytes)
    if text is None:
        return ParseProblem(span=Span(path=rel), message=why)
    return parse_source(rel, text)
