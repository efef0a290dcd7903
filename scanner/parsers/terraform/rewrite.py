"""python-hcl2, made to accept what Terraform accepts, with every position kept.

python-hcl2 8.1 rejects valid Terraform: a comment between ``=`` and the value or between
block labels, a newline before ``=>`` (or before ``.attr``, ``[index]``, ``-`` and ``...``)
inside brackets, a comment or newline inside ``${ }``, strip markers in the interpolations of
quoted strings (``"${~ x ~}"``) and non-ASCII letters in identifiers. When it rejects a file,
the file is rewritten into the form Terraform itself sees and parsed again:

* block comments become blanks, and their inner newlines go (HCL never treats a newline
  inside ``/* */`` as a line break);
* newlines where HCL ignores them (inside ``( )``, ``[ ]``, ``{ for }``, ``${ }``) go, and a
  line comment there becomes blanks;
* a strip marker ``~`` of an interpolation becomes a blank, and the tree gets the
  ``STRIP_MARKER`` token python-hcl2 gives to directives, so the template evaluator
  strips the adjacent literal whitespace exactly as Terraform does;
* a non-ASCII identifier letter becomes ``_`` while lexing and is put back in the token.

Blanks keep every column; each deleted newline is recorded, and every token and tree
position is mapped back to the original text afterwards, so spans (and the error position
of a file that still does not parse) point at the file as written. A file python-hcl2
accepts as it is is parsed exactly as before.
"""

from __future__ import annotations

from bisect import bisect_right

from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from scanner.parsers.terraform.grammar import parse_hcl as grammar_parse
from scanner.parsers.terraform.lexer import Lexed, lex
from scanner.valueclass import ValueObject, value_class


@value_class()
class Rewritten(ValueObject):
    """A file rewritten into the form python-hcl2 accepts, and the map back to its offsets."""

    text: str
    lexed: Lexed
    deleted: tuple[int, ...]  # original offsets of the characters removed, ascending
    strip_left: frozenset[int]  # original offsets of "${" whose interpolation strips left
    strip_right: frozenset[int]  # original offsets of the "}" of one that strips right
    name_chars: frozenset[int]  # original offsets of non-ASCII identifier letters

    # deletion i sits at offset deleted[i] - i of the rewritten text
    keys: tuple[int, ...]

    def original_offset(self, offset: int) -> int:
        """The original offset of a character of the rewritten text."""
        return offset + bisect_right(self.keys, offset)

    def original_end(self, end: int) -> int:
        return self.original_offset(end - 1) + 1 if end > 0 else 0


def rewrite(text: str, lexed: Lexed | None = None) -> Rewritten | None:
    """The Terraform-equivalent text python-hcl2 can lex, or None when nothing changes."""
    lexed = lexed or lex(text)
    chars = list(text)
    deleted: set[int] = set(lexed.ignored_newlines)
    changed = bool(deleted or lexed.strip_left or lexed.strip_right or lexed.unicode_name_chars)
    for comment in lexed.comments:
        if not (comment.block or comment.in_ignored_newlines):
            continue  # a line comment where newlines count: python-hcl2 reads it fine
        changed = True
        for offset in range(comment.start, comment.end):
            if chars[offset] == "\n":
                deleted.add(offset)
            else:
                chars[offset] = " "
    for offset in (*lexed.strip_left, *lexed.strip_right):
        chars[offset] = " "
    for offset in lexed.unicode_name_chars:
        chars[offset] = "_"
    if not changed:
        return None
    ordered = tuple(sorted(deleted))
    for offset in ordered:
        chars[offset] = ""
    return Rewritten(
        text="".join(chars),
        lexed=lexed,
        deleted=ordered,
        strip_left=frozenset(o - 2 for o in lexed.strip_left),
        strip_right=frozenset(o + 1 for o in lexed.strip_right),
        name_chars=frozenset(lexed.unicode_name_chars),
        keys=tuple(d - i for i, d in enumerate(ordered)),
    )


# ---------------------------------------------------------------------------
# Positions back to the original text
# ---------------------------------------------------------------------------


def _map_positions(tree: Tree, rw: Rewritten) -> None:
    lexed = rw.lexed
    for sub in tree.iter_subtrees():
        meta = sub._meta  # noqa: SLF001 - only touch a meta lark already created
        if meta is not None and not getattr(meta, "empty", True):
            start = rw.original_offset(meta.start_pos)
            end = rw.original_end(meta.end_pos)
            meta.start_pos, meta.end_pos = start, end
            meta.line, meta.column = lexed.position(start)
            meta.end_line, meta.end_column = lexed.position(end)
        for index, child in enumerate(sub.children):
            if not isinstance(child, Token) or child.start_pos is None:
                continue
            start = rw.original_offset(child.start_pos)
            end = rw.original_end(child.end_pos) if child.end_pos is not None else start
            if rw.name_chars and child.type == "NAME" and any(
                o in rw.name_chars for o in range(start, end)
            ):
                child = Token.new_borrow_pos(child.type, lexed.text[start:end], child)
                sub.children[index] = child
            child.start_pos, child.end_pos = start, end
            child.line, child.column = lexed.position(start)
            child.end_line, child.end_column = lexed.position(end)


def _mark_strips(tree: Tree, rw: Rewritten) -> None:
    """Give interpolations with a strip marker the STRIP_MARKER tokens directives have."""
    for sub in tree.iter_subtrees():
        if sub.data != "interpolation" or len(sub.children) < 2:
            continue
        first, last = sub.children[0], sub.children[-1]
        if isinstance(last, Token) and last.start_pos in rw.strip_right:
            sub.children.insert(len(sub.children) - 1, Token("STRIP_MARKER", "~"))
        if isinstance(first, Token) and first.start_pos in rw.strip_left:
            sub.children.insert(1, Token("STRIP_MARKER", "~"))


def _remap_error(exc: UnexpectedInput, rw: Rewritten) -> UnexpectedInput:
    offset: int | None = None
    if isinstance(exc, UnexpectedToken) and getattr(exc.token, "start_pos", None) is not None:
        offset = exc.token.start_pos
    elif isinstance(exc, UnexpectedCharacters):
        offset = exc.pos_in_stream
    if offset is not None and offset <= len(rw.text):
        original = rw.original_offset(offset)
        exc.line, exc.column = rw.lexed.position(min(original, len(rw.lexed.text)))
    return exc


def parse_hcl(text: str) -> Tree:
    """The HCL parser (``grammar.parse_hcl``) made to accept what Terraform accepts (see
    the module doc).

    Raises lark's ``UnexpectedInput`` (positions in ``text``) when Terraform would reject
    the file too, or when python-hcl2 cannot be brought to read it.
    """
    try:
        return grammar_parse(text)
    except UnexpectedInput as first:
        rw = rewrite(text)
        if rw is None:
            raise
        try:
            tree = grammar_parse(rw.text)
        except UnexpectedInput as second:
            raise _remap_error(second, rw) from first
        _map_positions(tree, rw)
        _mark_strips(tree, rw)
        return tree
