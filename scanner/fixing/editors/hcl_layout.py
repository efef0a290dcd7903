"""The spacing ``terraform fmt`` gives the lines an edit touches, and nothing else.

``terraform fmt`` (hclwrite) aligns two things, each over a *chain* of consecutive lines:

* the ``=`` of attributes: a chain is a run of adjacent lines that each hold a whole
  ``name = value`` (a value that opens a bracket it does not close on that line, such as
  ``jsonencode({``, breaks the chain; a heredoc is one line for this purpose); every ``=``
  goes one space after the longest name;
* trailing comments: a chain is a run of adjacent lines that each end with a comment;
  every comment goes one space after the widest code.

An edit re-aligns a chain only when the chain was aligned that way before the edit: in a
file ``terraform fmt`` keeps clean the result stays clean, and a file laid out by hand
keeps its author's spacing on every line the edit does not write.
"""

from __future__ import annotations

from scanner.fixing.editors.source import Lines
from scanner.parsers.terraform.hcl import Attribute, Block
from scanner.parsers.terraform.lexer import lex
from scanner.valueclass import ValueObject, value_class

_HEREDOCS = ("heredoc_template", "heredoc_template_trim")


@value_class()
class AssignLine(ValueObject):
    """One attribute written as a whole ``name = value`` line (or a heredoc)."""

    name: str
    line: int
    end_line: int
    column: int  # 1-based column of the name


def _is_heredoc(attribute: Attribute) -> bool:
    node = attribute.expr
    while getattr(node, "data", None) == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    return getattr(node, "data", None) in _HEREDOCS


def assign_lines(block: Block) -> list[AssignLine | None]:
    """The block's direct attributes in line order; ``None`` for one that breaks a chain
    (its value spans lines without being a heredoc)."""
    out: list[tuple[int, AssignLine | None]] = []
    for attribute in block.attributes.values():
        span = attribute.span
        whole = span.end_line == span.line or _is_heredoc(attribute)
        item = AssignLine(attribute.name, span.line, span.end_line, span.column) if whole else None
        out.append((span.line, item))
    return [item for _, item in sorted(out, key=lambda pair: pair[0])]


def chain_of(block: Block, line: int) -> list[AssignLine]:
    """The ``=`` chain of the block that holds the attribute starting on ``line``."""
    chains: list[list[AssignLine]] = []
    current: list[AssignLine] = []
    for item in assign_lines(block):
        if item is None or (current and item.line != current[-1].end_line + 1):
            if current:
                chains.append(current)
            current = [] if item is None else [item]
            continue
        current.append(item)
    if current:
        chains.append(current)
    return next((c for c in chains if any(i.line == line for i in c)), [])


def _equals_column(text_line: str, item: AssignLine) -> int:
    """0-based index of the ``=`` after the attribute's name on its line."""
    after = item.column - 1 + len(item.name)
    return text_line.index("=", after)


def _lead(item: AssignLine) -> int:
    return item.column - 1 + len(item.name)


def chain_aligned(lines: Lines, chain: list[AssignLine]) -> bool:
    """Whether every ``=`` of ``chain`` sits where ``terraform fmt`` puts it."""
    if not chain:
        return True
    width = max(_lead(i) for i in chain)
    return all(_equals_column(lines.line(i.line), i) == width + 1 for i in chain)


def align_chain(text: str, chain: list[AssignLine]) -> tuple[str, set[int]]:
    """``text`` with the chain's ``=`` aligned as ``terraform fmt`` aligns them, and the
    lines whose text changed."""
    if not chain:
        return text, set()
    lines = Lines(text)
    width = max(_lead(i) for i in chain)
    changed: set[int] = set()
    pieces: list[tuple[int, int, str]] = []
    for item in chain:
        line_text = lines.line(item.line)
        lead = _lead(item)
        eq = _equals_column(line_text, item)
        gap = " " * (width - lead + 1)
        if line_text[lead:eq] != gap:
            start = lines.offset(item.line, lead + 1)
            pieces.append((start, start + (eq - lead), gap))
            changed.add(item.line)
    for start, end, gap in sorted(pieces, reverse=True):
        text = text[:start] + gap + text[end:]
    return text, changed


# ---------------------------------------------------------------------------
# Trailing comments
# ---------------------------------------------------------------------------


def trailing_comments(text: str) -> dict[int, int]:
    """Line → 0-based column of the comment that ends it (lines with such a comment)."""
    lexed = lex(text)
    lines = Lines(text)
    out: dict[int, int] = {}
    for comment in lexed.comments:
        if comment.own_line:
            continue
        end_line, _ = lines.position(max(comment.start, comment.end - 1))
        if end_line != comment.line:
            continue  # a block comment over several lines is not a cell of one line
        rest = lines.line(comment.line)[comment.column - 1 + len(comment.text):]
        if rest.strip():
            continue  # code after the comment: not a trailing comment
        out[comment.line] = comment.column - 1
    return out


def comment_chains(text: str) -> list[list[int]]:
    """Runs of adjacent lines that each end with a comment."""
    found = sorted(trailing_comments(text))
    chains: list[list[int]] = []
    for line in found:
        if chains and chains[-1][-1] == line - 1:
            chains[-1].append(line)
        else:
            chains.append([line])
    return chains


def _code_width(line_text: str, column: int) -> int:
    return len(line_text[:column].rstrip())


def comments_aligned(text: str) -> dict[int, bool]:
    """Line → whether its trailing comment sits where ``terraform fmt`` puts it."""
    lines = Lines(text)
    columns = trailing_comments(text)
    out: dict[int, bool] = {}
    for chain in comment_chains(text):
        width = max(_code_width(lines.line(n), columns[n]) for n in chain)
        for n in chain:
            out[n] = columns[n] == width + 1
    return out


def realign_comments(
    old_text: str, new_text: str, touched: set[int], old_line_of: dict[int, int]
) -> str:
    """Re-align the comment chains of ``new_text`` that hold a touched line, each only
    when all of its lines that existed before (``old_line_of``: new line → old line)
    were aligned as ``terraform fmt`` aligns them."""
    before = comments_aligned(old_text)
    lines = Lines(new_text)
    columns = trailing_comments(new_text)
    pieces: list[tuple[int, int, str]] = []
    for chain in comment_chains(new_text):
        if not any(n in touched for n in chain):
            continue
        olds = [old_line_of[n] for n in chain if n in old_line_of]
        if not all(before.get(o, False) for o in olds):
            continue
        width = max(_code_width(lines.line(n), columns[n]) for n in chain)
        for n in chain:
            code = _code_width(lines.line(n), columns[n])
            start = lines.offset(n, code + 1)
            end = lines.offset(n, columns[n] + 1)
            gap = " " * (width - code + 1)
            if new_text[start:end] != gap:
                pieces.append((start, end, gap))
    for start, end, gap in sorted(pieces, reverse=True):
        new_text = new_text[:start] + gap + new_text[end:]
    return new_text
