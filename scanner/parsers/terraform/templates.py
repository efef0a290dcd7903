"""Template structure of HCL strings and heredocs.

Quoted strings arrive from the lark tree already split into literal text, ``${...}``
interpolations and flat ``%{...}`` directive markers; heredocs arrive as one raw token.
Both are turned into the same small tree (literal / interpolation / if / for) so one
evaluator renders them.
"""

from __future__ import annotations

import re
from dataclasses import field
from functools import lru_cache

from lark import Token, Tree

from scanner.parsers.terraform.rewrite import parse_hcl
from scanner.valueclass import ValueObject, value_class

_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def unescape(text: str) -> str:
    """Resolve the escape sequences of an HCL quoted string."""

    def repl(match: re.Match[str]) -> str:
        seq = match.group(1)
        if seq[0] in "uU" and len(seq) > 1:
            return chr(int(seq[1:], 16))
        return _SIMPLE_ESCAPES.get(seq, "\\" + seq)

    return _ESCAPE_RE.sub(repl, text) if "\\" in text else text


@value_class(frozen=False)
class Literal(ValueObject):
    """Literal text of a template."""

    text: str


@value_class(frozen=False)
class Interp(ValueObject):
    """An interpolation ``${...}`` of a template."""

    expr: Tree | Token


@value_class(frozen=False)
class IfPart(ValueObject):
    """A template's ``%{ if }`` directive, with its two branches."""

    cond: Tree | Token
    then: list[Part] = field(default_factory=list)
    otherwise: list[Part] = field(default_factory=list)


@value_class(frozen=False)
class ForPart(ValueObject):
    """A template's ``%{ for }`` directive and its body."""

    key_name: str | None
    value_name: str
    collection: Tree | Token
    body: list[Part] = field(default_factory=list)


Part = Literal | Interp | IfPart | ForPart


class TemplateSyntaxError(ValueError):
    """Unbalanced or malformed template directives."""


@value_class(frozen=False)
class _Flat(ValueObject):
    """One flat marker before nesting: kind is lit/interp/if/else/endif/for/endfor."""

    kind: str
    text: str = ""
    expr: Tree | Token | None = None
    names: tuple[str, ...] = ()
    strip_left: bool = False
    strip_right: bool = False


def _strip(flat: list[_Flat]) -> None:
    """Apply strip markers to the literal token on each side (HCL trims Unicode spaces)."""
    for i, item in enumerate(flat):
        if item.kind == "lit":
            continue
        if item.strip_left and i > 0 and flat[i - 1].kind == "lit":
            flat[i - 1].text = flat[i - 1].text.rstrip()
        if item.strip_right and i + 1 < len(flat) and flat[i + 1].kind == "lit":
            flat[i + 1].text = flat[i + 1].text.lstrip()


def _flush(flat: list[_Flat]) -> None:
    """``<<-`` heredocs: remove the smallest indentation of the lines, as HCL does it.

    HCL dedents after the strip markers were applied, looking at the first token of each
    line: a literal counts its leading blanks (a line of only blanks is ignored), anything
    else counts as no indentation. So ``${~`` at a line's start turns dedenting off.
    """
    smallest: int | None = None
    line_starts: list[_Flat] = []
    at_line_start = True
    for item in flat:
        if at_line_start:
            at_line_start = False
            if item.kind == "lit":
                trimmed = item.text.lstrip()
                if not trimmed and item.text.endswith("\n"):
                    pass  # a blank line does not count
                else:
                    spaces = len(item.text) - len(trimmed)
                    line_starts.append(item)
                    smallest = spaces if smallest is None else min(smallest, spaces)
            else:
                smallest = 0
        if item.kind == "lit" and item.text.endswith("\n"):
            at_line_start = True
    for item in line_starts:
        item.text = item.text[smallest or 0 :]


def _nest(flat: list[_Flat]) -> list[Part]:
    """Fold if/for markers into a tree (strip markers already applied)."""
    root: list[Part] = []
    stack: list[tuple[IfPart | ForPart, list[Part]]] = []
    current = root
    for item in flat:
        if item.kind == "lit":
            if item.text:
                current.append(Literal(item.text))
        elif item.kind == "interp":
            assert item.expr is not None
            current.append(Interp(item.expr))
        elif item.kind == "if":
            assert item.expr is not None
            part = IfPart(cond=item.expr)
            current.append(part)
            stack.append((part, current))
            current = part.then
        elif item.kind == "else":
            if not stack or not isinstance(stack[-1][0], IfPart):
                raise TemplateSyntaxError("%{else} without %{if}")
            current = stack[-1][0].otherwise
        elif item.kind == "endif":
            if not stack or not isinstance(stack[-1][0], IfPart):
                raise TemplateSyntaxError("%{endif} without %{if}")
            current = stack.pop()[1]
        elif item.kind == "for":
            assert item.expr is not None
            key = item.names[0] if len(item.names) == 2 else None
            part = ForPart(key_name=key, value_name=item.names[-1], collection=item.expr)
            current.append(part)
            stack.append((part, current))
            current = part.body
        elif item.kind == "endfor":
            if not stack or not isinstance(stack[-1][0], ForPart):
                raise TemplateSyntaxError("%{endfor} without %{for}")
            current = stack.pop()[1]
    if stack:
        raise TemplateSyntaxError("unclosed template directive")
    return root


def _expr_child(tree: Tree) -> Tree | Token:
    for child in tree.children:
        if isinstance(child, Tree) and child.data not in ("identifier", "new_line_or_comment"):
            return child
    raise TemplateSyntaxError(f"directive {tree.data} has no expression")


def _strip_flags(tree: Tree) -> tuple[bool, bool]:
    tokens = [c for c in tree.children if isinstance(c, Token)]
    left = len(tokens) > 1 and tokens[1].type == "STRIP_MARKER"
    right = len(tokens) > 1 and tokens[-2].type == "STRIP_MARKER"
    return left, right


def _is_strip(node: object) -> bool:
    return isinstance(node, Token) and node.type == "STRIP_MARKER"


def parts_from_string_tree(node: Tree) -> list[Part]:
    """Template parts of a quoted ``string`` node."""
    flat: list[_Flat] = []
    for part in node.children:
        if not isinstance(part, Tree):
            continue  # the quotes
        for child in part.children:
            if isinstance(child, Token):
                if child.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                    flat.append(_Flat("lit", text=str(child)[1:]))
                else:
                    flat.append(_Flat("lit", text=unescape(str(child))))
                continue
            left, right = _strip_flags(child)
            if child.data == "interpolation":
                # python-hcl2 cannot lex "${~"; the rewrite adds the marker tokens around
                # the expression: [INTERP_START, ~?, expression, ~?, RBRACE]
                kids = child.children
                flat.append(_Flat(
                    "interp", expr=_expr_child(child),
                    strip_left=_is_strip(kids[1]) if len(kids) > 2 else False,
                    strip_right=_is_strip(kids[-2]) if len(kids) > 2 else False,
                ))
            elif child.data == "template_if_start":
                flat.append(_Flat("if", expr=_expr_child(child), strip_left=left,
                                  strip_right=right))
            elif child.data == "template_else":
                flat.append(_Flat("else", strip_left=left, strip_right=right))
            elif child.data == "template_endif":
                flat.append(_Flat("endif", strip_left=left, strip_right=right))
            elif child.data == "template_for_start":
                names = tuple(
                    str(c.children[0])
                    for c in child.children
                    if isinstance(c, Tree) and c.data == "identifier"
                )
                # the collection is the last tree child that is not an identifier
                trees = [
                    c for c in child.children
                    if isinstance(c, Tree) and c.data not in ("new_line_or_comment",)
                ]
                flat.append(_Flat("for", expr=trees[-1], names=names[: len(trees) - 1],
                                  strip_left=left, strip_right=right))
            elif child.data == "template_endfor":
                flat.append(_Flat("endfor", strip_left=left, strip_right=right))
    _strip(flat)
    return _nest(flat)


@lru_cache(maxsize=4096)
def parse_expression(text: str) -> Tree | Token:
    """Parse a stand-alone expression (heredoc interpolation, ``--var`` value)."""
    tree = parse_hcl(f"__expr__ = {text}\n")
    for child in tree.children[0].children:
        if isinstance(child, Tree) and child.data == "attribute":
            return child.children[-1]
    raise TemplateSyntaxError(f"not an expression: {text!r}")


def _find_close(text: str, start: int) -> int:
    """Index of the ``}`` closing a ``${``/``%{`` opened just before ``start``."""
    depth = 0
    i = start
    in_string = False
    while i < len(text):
        ch = text[i]
        if in_string:
            if ch == "\\":
                i += 2
                continue
            if ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return -1


_FOR_RE = re.compile(r"^for\s+([A-Za-z_][\w-]*)\s*(?:,\s*([A-Za-z_][\w-]*)\s*)?in\s+(.*)$",
                     re.DOTALL)


def _directive(inner: str, left: bool, right: bool) -> _Flat:
    body = inner.strip()
    if body == "else":
        return _Flat("else", strip_left=left, strip_right=right)
    if body == "endif":
        return _Flat("endif", strip_left=left, strip_right=right)
    if body == "endfor":
        return _Flat("endfor", strip_left=left, strip_right=right)
    if body.startswith("if ") or body.startswith("if("):
        return _Flat("if", expr=parse_expression(body[2:].strip()), strip_left=left,
                     strip_right=right)
    match = _FOR_RE.match(body)
    if match:
        names = tuple(n for n in (match.group(1), match.group(2)) if n)
        return _Flat("for", expr=parse_expression(match.group(3).strip()), names=names,
                     strip_left=left, strip_right=right)
    raise TemplateSyntaxError(f"unknown template directive %{{{body}}}")


_LINE_RE = re.compile(r"[^\n]*\n|[^\n]+")


def _literal_lines(text: str) -> list[_Flat]:
    """A heredoc literal as HCL tokenises it: one literal per line, newline included."""
    return [_Flat("lit", text=line) for line in _LINE_RE.findall(text)]


def parts_from_text(text: str, *, flush: bool = False) -> list[Part]:
    """Template parts of raw template text (a heredoc body; ``flush`` for ``<<-``)."""
    flat: list[_Flat] = []
    buf: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        if text.startswith("$${", i) or text.startswith("%%{", i):
            buf.append(text[i + 1 : i + 3])
            i += 3
            continue
        if text.startswith("${", i) or text.startswith("%{", i):
            close = _find_close(text, i + 2)
            if close < 0:
                raise TemplateSyntaxError("unterminated template sequence")
            inner = text[i + 2 : close]
            left = inner.startswith("~")
            right = inner.endswith("~")
            inner = inner[1 if left else 0 : len(inner) - (1 if right else 0)]
            if buf:
                flat.extend(_literal_lines("".join(buf)))
                buf = []
            if text[i] == "$":
                item = _Flat("interp", expr=parse_expression(inner.strip()),
                             strip_left=left, strip_right=right)
            else:
                item = _directive(inner, left, right)
            flat.append(item)
            i = close + 1
            continue
        buf.append(text[i])
        i += 1
    if buf:
        flat.extend(_literal_lines("".join(buf)))
    _strip(flat)
    if flush:
        _flush(flat)
    return _nest(flat)


_HEREDOC_HEAD_RE = re.compile(r"^<<-?([A-Za-z][\w.-]*)\r?\n")


def heredoc_body(token_text: str) -> str:
    """The body of a heredoc token, as written (``parts_from_text`` dedents ``<<-``)."""
    head = _HEREDOC_HEAD_RE.match(token_text)
    rest = token_text[head.end():] if head else token_text
    lines = rest.split("\n")
    # drop the closing marker line (and the empty string after its newline)
    while lines and lines[-1].strip() == "":
        lines.pop()
    if lines:
        lines.pop()
    return "".join(line.rstrip("\r") + "\n" for line in lines)
