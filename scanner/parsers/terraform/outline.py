"""The outline of a Terraform file: its top-level blocks, found without python-hcl2.

Discovery must know which directories a module calls before any file is parsed, and a
later relevance pre-pass must know which block types a file holds. Both need the *exact*
structure: a regex over raw text takes ``source = "../b"`` in a comment or a description
for a module call, and then ``b/`` is never scanned. This is a small lexer that knows
HCL's comments (``#``, ``//``, ``/* */``), quoted strings with escapes and ``${...}`` /
``%{...}`` templates nested to any depth, heredocs (``<<EOF``, ``<<-EOF``) and brackets,
and a parser for the one level that matters: blocks at the top of the file and the
attributes directly inside them. ``.tf.json`` files are validated with ``json`` and walked
with their line numbers.

Every character is looked at a bounded number of times (linear time), nothing recurses on
the input's nesting, and nothing raises on bad input: what the lexer could not make sense
of (an unterminated string, comment or heredoc, an unbalanced brace) is returned as a
problem with its line, and the blocks seen so far are still returned.

Most lines of a real file are of a few plain shapes, and a Token per word is most of the
cost: ``outline_hcl`` applies those items with one regex match each and hands the rest to
the token path (see "The line-level fast path" below); ``_outline_hcl(text, skim=False)``
is the token path alone, which the tests hold the fast path to.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from scanner.valueclass import ValueObject, value_class

__all__ = [
    "Outline",
    "OutlineBlock",
    "OutlineProblem",
    "Token",
    "outline_file",
    "outline_hcl",
    "outline_json",
    "outline_text",
    "tokens",
]


@value_class()
class OutlineProblem(ValueObject):
    """Something the lexer could not make sense of, 1-based ``line``/``column``."""

    line: int
    column: int
    message: str


@value_class()
class OutlineBlock(ValueObject):
    """One top-level block: ``resource "aws_s3_bucket" "logs" { ... }``.

    ``attributes`` are the attributes written directly in the block body, in order, each
    with its value when that value is one literal string (no interpolation) and ``None``
    otherwise; nested blocks are not listed.
    """

    type: str
    labels: tuple[str, ...]
    line: int
    end_line: int
    attributes: tuple[tuple[str, str | None], ...] = ()
    # Per attribute, in the same order: the literal runs of a value that is one quoted
    # string with only ``${...}`` interpolations (``"${var.env}-logs"`` gives ``("",
    # "-logs")``; a literal gives ``(value,)``), else ``None``. Whatever the
    # interpolations turn out to be, the value contains every run, in order.
    templates: tuple[tuple[str, tuple[str, ...] | None], ...] = ()

    def literal(self, name: str) -> str | None:
        """The literal string value of attribute ``name`` (the first one written)."""
        for key, value in self.attributes:
            if key == name:
                return value
        return None

    def template(self, name: str) -> tuple[str, ...] | None:
        """The literal runs of attribute ``name`` (the first one written; see ``templates``)."""
        for key, parts in self.templates:
            if key == name:
                return parts
        return None

    @property
    def source(self) -> str | None:
        """A ``module`` block's ``source`` when it is a literal string."""
        return self.literal("source") if self.type == "module" else None


@value_class()
class Outline(ValueObject):
    """A file's top-level blocks, what they name, and what the lexer found wrong."""

    blocks: tuple[OutlineBlock, ...] = ()
    problems: tuple[OutlineProblem, ...] = ()
    # How deep brackets nest (``{``, ``[``, ``(``; a block body counts one): a parser
    # that recurses may give up on what this lexer walks through.
    depth: int = 0

    def block_types(self) -> frozenset[str]:
        return frozenset(b.type for b in self.blocks)

    def module_sources(self) -> tuple[tuple[str, str], ...]:
        """``(module name, literal source)`` of every module block that has both."""
        return tuple(
            (b.labels[0], b.source)
            for b in self.blocks
            if b.type == "module" and len(b.labels) == 1 and b.source is not None
        )


# ---------------------------------------------------------------------------
# Lexer
# ---------------------------------------------------------------------------


class Token(NamedTuple):
    """A token at the top nesting level of the text.

    ``kind``: ``word`` (identifiers and anything else without spaces or punctuation:
    ``var.x``, ``10``, ``==``), ``string`` (a whole quoted string, templates included),
    ``heredoc``, ``comment``, ``newline``, or the punctuation itself (``{ } [ ] ( ) = ,``).
    ``value``: a word's text, a string's decoded value when it is literal (no ``${``
    or ``%{``; ``None`` otherwise), a comment's text; ``end_line`` is the line a string,
    heredoc or comment ends on. ``parts``: a quoted string's decoded literal runs around
    its ``${...}`` interpolations (``None`` when it holds a ``%{`` directive, whose text
    may or may not be produced).
    """

    kind: str
    value: str | None
    line: int
    column: int
    end_line: int
    parts: tuple[str, ...] | None = None


_PUNCT = frozenset("{}[](),=")
# Everything that is neither space nor the start of another token.
_WORD = re.compile(r'[^\s"#/<{}\[\](),=]+|<(?!<)|/(?![/*])')
_EQ_WORD = re.compile(r"=[=>]")  # `==` and `=>` are operators, not assignment
_SPACE = re.compile(r"[ \t\r\f\v]+")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n")
# What ``_Lexer.deep`` skips: anything that cannot start a bracket, string, heredoc or
# comment.
_DEEP_RUN = re.compile(r'[^"#/<{}\[\]()]+')
_LINE_RUN = re.compile(r'[^"#/<{}\[\]()\n]+')
# Runs inside a quoted string that need no attention.
_QUOTED_RUN = re.compile(r'[^"\\$%\n]+')
# Runs inside template code (``${ ... }``) that need no attention.
_CODE_RUN = re.compile(r'[^"{}#/<\n]+')
# Runs of a heredoc line that need no attention.
_HEREDOC_RUN = re.compile(r"[^\n$%]*")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.i = 0
        self.line = 1
        self.line_start = 0
        self.problems: list[OutlineProblem] = []
        # The literal runs of the last quoted string (see ``Token.parts``).
        self.runs: tuple[str, ...] | None = None
        # Set by a consumer that needs only brackets, strings, heredocs and comments for
        # now (``outline_hcl`` inside nested brackets: 2), or those and line ends (on the
        # rest of a line whose item is known: 1): the rest is skipped without tokens.
        self.deep = 0

    def column(self, index: int) -> int:
        return index - self.line_start + 1

    def newline_at(self, index: int) -> None:
        self.line += 1
        self.line_start = index + 1

    def problem(self, line: int, column: int, message: str) -> None:
        self.problems.append(OutlineProblem(line, column, message))

    # -- top level ------------------------------------------------------------------

    def tokens(self) -> Iterator[Token]:
        text, n = self.text, self.n
        space, punct, word_re, deep_run, line_run = _SPACE, _PUNCT, _WORD, _DEEP_RUN, _LINE_RUN
        while self.i < n:
            i = self.i
            if self.deep:
                # Inside a nested bracket only brackets, strings, heredocs and comments
                # matter to the outline (and line ends, on the rest of a body's line):
                # skip everything else in one step.
                m = (deep_run if self.deep == 2 else line_run).match(text, i)
                if m is not None:
                    end = m.end()
                    nl = text.rfind("\n", i, end)
                    if nl >= 0:
                        self.line += text.count("\n", i, end)
                        self.line_start = nl + 1
                    self.i = end
                    continue
            c = text[i]
            if c in " \t\r\f\v":
                i = space.match(text, i).end()  # type: ignore[union-attr]
                if i >= n:
                    self.i = i
                    return
                c = text[i]
            line = self.line
            col = i - self.line_start + 1
            if c == "\n":
                self.line = line + 1
                self.line_start = i + 1
                self.i = i + 1
                yield Token("newline", None, line, col, line)
            elif c == '"':
                value = self._template(i + 1, line, col, heredoc=None)
                yield Token("string", value, line, col, self.line, self.runs)
            elif c in punct:
                if c == "=" and (m := _EQ_WORD.match(text, i)):
                    self.i = m.end()
                    yield Token("word", m.group(), line, col, line)
                else:
                    self.i = i + 1
                    yield Token(c, c, line, col, line)
            elif c == "#" or text.startswith("//", i):
                end = text.find("\n", i)
                end = n if end < 0 else end
                self.i = end
                yield Token("comment", text[i:end], line, col, line)
            elif text.startswith("/*", i):
                yield self._block_comment(i, line, col)
            elif c == "<" and (m := _HEREDOC.match(text, i)):
                self.newline_at(m.end() - 1)
                self.i = m.end()
                self._template(self.i, line, col, heredoc=(m.group(2), m.group(1) == "-"))
                yield Token("heredoc", None, line, col, self.line)
            else:
                m = word_re.match(text, i)
                end = m.end() if m else i + 1
                self.i = end
                yield Token("word", text[i:end], line, col, line)

    def _block_comment(self, i: int, line: int, col: int) -> Token:
        text = self.text
        end = text.find("*/", i + 2)
        if end < 0:
            self.problem(line, col, "unterminated /* comment")
            end = self.n
        else:
            end += 2
        nl = text.rfind("\n", i, end)
        if nl >= 0:
            self.line += text.count("\n", i, end)
            self.line_start = nl + 1
        self.i = end
        return Token("comment", text[i:end], line, col, self.line)

    # -- strings, heredocs and the templates inside them ---------------------------

    def _template(self, start: int, line: int, col: int, heredoc: tuple[str, bool] | None) -> str | None:
        """Consume a quoted string (``heredoc is None``; ``start`` is just after the
        opening quote) or a heredoc body, with every template nested in it.

        Returns the decoded value of a quoted string without interpolation, else None.
        Frames on the explicit stack: ``("q",)`` a quoted literal, ``("h", marker)`` a
        heredoc literal, ``("c", depth)`` template code with its open-brace count.
        """
        text, n = self.text, self.n
        stack: list[list[object]] = [["h", heredoc[0]] if heredoc else ["q"]]
        literal = heredoc is None
        parts: list[str] = []
        runs: list[str] = []  # literal runs closed by an interpolation
        directive = False
        self.runs = None
        i = start
        at_line_start = heredoc is not None
        while stack:
            frame = stack[-1]
            kind = frame[0]
            if i >= n:
                self._unterminated(frame, line, col, heredoc)
                break
            if kind == "h":
                if at_line_start:
                    at_line_start = False
                    end = text.find("\n", i)
                    end = n if end < 0 else end
                    if text[i:end].strip() == frame[1]:
                        stack.pop()
                        i = end
                        continue
                c = text[i]
                if c == "\n":
                    self.newline_at(i)
                    i += 1
                    at_line_start = True
                elif text.startswith("$${", i) or text.startswith("%%{", i):
                    i += 3
                elif text.startswith("${", i) or text.startswith("%{", i):
                    stack.append(["c", 0])
                    i += 2
                else:
                    i = _HEREDOC_RUN.match(text, i + 1).end()  # type: ignore[union-attr]
                continue
            if kind == "q":
                m = _QUOTED_RUN.match(text, i)
                if m:
                    if len(stack) == 1:
                        parts.append(m.group())
                    i = m.end()
                    continue
                c = text[i]
                if c == '"':
                    stack.pop()
                    i += 1
                elif c == "\n":
                    # A quoted string cannot span lines: report it, resume on the next line.
                    self.problem(line, col, "unterminated string")
                    self.i = i
                    return None
                elif c == "\\":
                    decoded, width = self._escape(i)
                    if len(stack) == 1:
                        parts.append(decoded)
                    i += width
                elif text.startswith("$${", i) or text.startswith("%%{", i):
                    if len(stack) == 1:
                        parts.append(text[i + 1 : i + 3])
                    i += 3
                elif text.startswith("${", i) or text.startswith("%{", i):
                    literal = False
                    if len(stack) == 1:
                        directive = directive or text[i] == "%"
                        runs.append("".join(parts))
                        parts = []
                    stack.append(["c", 0])
                    i += 2
                else:
                    if len(stack) == 1:
                        parts.append(c)
                    i += 1
                continue
            # template code
            m = _CODE_RUN.match(text, i)
            if m:
                i = m.end()
                continue
            c = text[i]
            if c == "\n":
                self.newline_at(i)
                i += 1
            elif c == '"':
                stack.append(["q"])
                i += 1
            elif c == "{":
                frame[1] = int(frame[1]) + 1  # type: ignore[call-overload]
                i += 1
            elif c == "}":
                if frame[1] == 0:
                    stack.pop()
                else:
                    frame[1] = int(frame[1]) - 1  # type: ignore[call-overload]
                i += 1
            elif c == "#" or text.startswith("//", i):
                end = text.find("\n", i)
                i = n if end < 0 else end
            elif text.startswith("/*", i):
                end = text.find("*/", i + 2)
                end = n if end < 0 else end + 2
                nl = text.rfind("\n", i, end)
                if nl >= 0:
                    self.line += text.count("\n", i, end)
                    self.line_start = nl + 1
                i = end
            elif c == "<" and (hm := _HEREDOC.match(text, i)):
                self.newline_at(hm.end() - 1)
                stack.append(["h", hm.group(2)])
                i = hm.end()
                at_line_start = True
            else:
                i += 1
        self.i = i
        if heredoc is None and not stack and not directive:
            self.runs = (*runs, "".join(parts))
        if heredoc is None and literal:
            return "".join(parts)
        return None

    def _escape(self, i: int) -> tuple[str, int]:
        """The character a backslash escape at ``i`` stands for, and its width. A
        backslash before a line end stands for itself, so the line end is seen next."""
        text = self.text
        nxt = text[i + 1 : i + 2]
        if nxt in _ESCAPES:
            return _ESCAPES[nxt], 2
        if nxt in ("u", "U"):
            width = 4 if nxt == "u" else 8
            digits = text[i + 2 : i + 2 + width]
            if len(digits) == width and all(d in "0123456789abcdefABCDEF" for d in digits):
                code = int(digits, 16)
                ok = code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
                return (chr(code) if ok else "\ufffd"), 2 + width
        if nxt in ("", "\n", "\r"):
            return "\\", 1
        return "\\" + nxt, 2

    def _unterminated(self, frame: list[object], line: int, col: int, heredoc: tuple[str, bool] | None) -> None:
        if frame[0] == "c":
            self.problem(line, col, "unterminated template interpolation (${ or %{ without })")
        elif heredoc is not None and frame[0] == "h":
            self.problem(line, col, f"heredoc <<{heredoc[0]} has no closing {heredoc[0]} line")
        elif frame[0] == "h":
            self.problem(line, col, f"heredoc <<{frame[1]} has no closing {frame[1]} line")
        else:
            self.problem(line, col, "unterminated string")


def tokens(text: str) -> tuple[list[Token], list[OutlineProblem]]:
    """Every top-level token of ``text`` and the lexer's problems."""
    lexer = _Lexer(text)
    out = list(lexer.tokens())
    return out, lexer.problems


# ---------------------------------------------------------------------------
# The top-level structure of a native-syntax file
# ---------------------------------------------------------------------------

_CLOSE = {"}": "{", "]": "[", ")": "("}
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


@dataclass
class _OpenBlock:
    """A top-level block whose closing brace has not been reached yet."""

    type: str
    labels: tuple[str, ...]
    line: int
    attributes: list[tuple[str, str | None]] = field(default_factory=list)
    templates: list[tuple[str, tuple[str, ...] | None]] = field(default_factory=list)


class _Body:
    """The items written directly in a top-level block body: ``name = value`` lines
    (kept, with the value when it is one literal string) and nested blocks (skipped)."""

    def __init__(self, block: _OpenBlock) -> None:
        self.block = block
        self.state = "start"  # start | name | first | clean | rest
        self.name = ""
        self.value: str | None = None
        self.parts: tuple[str, ...] | None = None

    def token(self, tok: Token) -> None:
        """A token seen at the body's own level (not inside a nested bracket)."""
        kind, state = tok.kind, self.state
        if kind == "newline":
            self.end_item()
        elif state == "start":
            if kind == "word" and _IDENT.fullmatch(tok.value or ""):
                self.name, self.state = tok.value or "", "name"
            else:
                self.state = "rest"
        elif state == "name":
            self.state = "first" if kind == "=" else "skip"
        elif state == "first":
            self.value = tok.value if kind == "string" else None
            self.parts = tok.parts if kind == "string" else None
            self.state = "clean" if kind == "string" else "value"
        elif state == "clean":
            self.value, self.parts, self.state = None, None, "value"  # more than one string

    def end_item(self) -> None:
        if self.state in ("first", "clean", "value"):
            clean = self.state == "clean"
            self.block.attributes.append((self.name, self.value if clean else None))
            self.block.templates.append((self.name, self.parts if clean else None))
        self.state, self.value, self.parts = "start", None, None


# ---------------------------------------------------------------------------
# The line-level fast path
# ---------------------------------------------------------------------------
#
# Most of a Terraform file is items of a few shapes: ``name = "plain string"``, ``name =
# expression`` on one line, block headers, closing braces, nested blocks whose brackets
# close by their last line, blank and comment lines. ``skim_items`` in ``_outline_hcl``
# applies such an item to the outline with one regex match, where the token path would
# make a Token per word; anything else (a string with escapes or nested templates, a
# heredoc, a block comment, brackets nested deeper, a bracket that does not match, the end
# of the text) is left to the token path, which goes on from there, and the fast path
# takes over again at its next line end or bracket. What a match accepts is exactly what
# the token path would read the same way (``tests/test_outline_fast_path.py`` compares the
# two). Every repetition is possessive (nothing backtracks into it), no pattern captures
# inside a repetition (Python 3.11's possessive repeats mishandle that), and a failed match
# scans no further than the token path then reads: each character is looked at a bounded
# number of times.

_SP = r"[ \t\r\f\v]*+"  # the lexer's spaces (not ``\s``: other blanks are words)
_COMMENT = r"(?:#|//)[^\n]*+"
_END = rf"{_SP}(?:{_COMMENT})?"  # what may follow an item on its line
# A word ends where the lexer's ``_WORD`` ends.
_IDENT_WORD = r'[A-Za-z_][A-Za-z0-9_-]*+(?![^\s"#/<{}\[\](),=])'
_ASSIGN = _SP + r"=(?![=>])"
# String characters that stand for themselves: not a quote, escape or line end, no
# ``$``/``%`` that starts a template or an escaped one (``$${``, ``%%{``).
_PLAIN = r'[^"\\$%\n]++|\$(?![{$])|%(?![{%])'
_CODE = r'\{[^"{}#/<\n]*+\}'  # template code without strings, braces or comments
_LITERAL = rf'"(?:{_PLAIN})*+"'
# A string on one line that the lexer ends where this does (its value unknown).
_ANY_STRING = rf'"(?:{_PLAIN}|\\[^\n]|[$%]{_CODE})*+"'
_RUN_BITS = rf"{_ANY_STRING}|/(?![/*])|<(?!<)"
_BLANKS = rf"(?:{_END}\n)++"  # blank or comment lines (or the end of a line)
# Inside brackets only brackets count. ``_INNER[0]``: what may stand inside a bracket
# pair with no bracket in it (line ends included); ``_PAIR[1]``: such a pair, brackets
# included; ``_INNER[1]``: what may stand inside a pair whose pairs are such pairs. (One
# level more would triple the pattern, and compiling it costs start-up time: deeper
# brackets go bracket by bracket.)
_INNER = [rf'(?:[^"#/<{{}}\[\]()]++|{_RUN_BITS}|{_COMMENT})*+']
_PAIR = ["", rf"\{{{_INNER[0]}\}}|\[{_INNER[0]}\]|\({_INNER[0]}\)"]
_INNER.append(rf'(?:[^"#/<{{}}\[\]()]++|{_RUN_BITS}|{_COMMENT}|{_PAIR[1]})*+')
_HEADER_REST = rf"(?:{_SP}(?:{_ANY_STRING}|{_IDENT_WORD}))*+{_SP}"  # a nested block's labels
# One item directly in a block body, named by its last group:
#   ``blank``       blank or comment lines;
#   ``lit``         ``name = "plain string"`` to the line end (groups ``name``, ``string``);
#   ``e0``, ``e1``  ``name = expression`` to the line end, whose brackets close on their
#                   line and nest 0 or 1 deep (the first that matches tells);
#   ``expression``  ``name =`` up to any other value (it starts with neither a string nor
#                   a block comment: the token path would take it as an expression too);
#   ``b0``, ``b1``  a nested block whose brackets close by the line of its ``}``, which
#                   ends the item, nesting 0 or 1 deep inside it;
#   ``close``       the body's ``}``;
#   ``other``       a name that starts anything else, up to there.
_BODY_ITEM = re.compile(
    rf"{_SP}(?:(?P<blank>(?:{_COMMENT})?\n(?:{_BLANKS})?+)"
    rf"|(?P<name>{_IDENT_WORD}){_ASSIGN}{_SP}"
    rf'(?:"(?P<string>(?:{_PLAIN}|\${_CODE})*+)"{_END}(?P<lit>\n)'
    rf'|(?!"|/\*)(?:(?:[^"#/<{{}}\[\]()\n]++|{_RUN_BITS})*+{_END}(?P<e0>\n)'
    rf'|(?:[^"#/<{{}}\[\]()\n]++|{_RUN_BITS}|{_PAIR[1]})*+{_END}(?P<e1>\n)'
    rf"|(?P<expression>)))"
    rf"|{_IDENT_WORD}(?:{_HEADER_REST}\{{(?:{_INNER[0]}\}}{_END}(?P<b0>\n)"
    rf"|{_INNER[1]}\}}{_END}(?P<b1>\n))"
    rf"|(?P<other>)(?!{_SP}(?:=(?![=>])|/\*)))"
    rf"|(?P<close>\}}))"
)
# How deep each item's brackets nest, the body's brace counted.
_ITEM_DEPTH = {"e1": 2, "b0": 2, "b1": 3}
# At the top level: blank or comment lines, then a block header up to its ``{`` (and
# the blank or comment lines after it), or an attribute (a ``.tfvars`` file) up to its
# ``=``; or blank or comment lines alone. Up to two string labels are groups of their
# own; ``more`` holds any other labels.
_TOP_ITEM = re.compile(
    rf"(?:{_BLANKS})?+{_SP}(?:(?P<type>{_IDENT_WORD})"
    rf'(?:{_SP}"(?P<label1>(?:{_PLAIN})*+)"(?:{_SP}"(?P<label2>(?:{_PLAIN})*+)")?)?'
    rf"(?P<more>(?:{_SP}(?:{_LITERAL}|{_IDENT_WORD}))*+){_SP}(?P<open>\{{)(?:{_BLANKS})?+"
    rf"|(?P<attribute>{_IDENT_WORD}){_ASSIGN})"
    rf"|(?P<blank>{_BLANKS})"
)
_LABEL = re.compile(r'"([^"]*)"|([^\s"]+)')
_INTERPOLATION = re.compile(r"\$\{[^}]*\}")
# The rest of a line whose item is known: nothing in it but brackets changes the outline.
_TAIL = re.compile(rf'(?:[^"#/<{{}}\[\]()\n]++|{_RUN_BITS})*+(?:{_COMMENT})?')
# Inside a nested bracket: nothing but brackets changes the outline, line ends included.
_NESTED = re.compile(_INNER[0])
_OPENERS = frozenset("{[(")
_BRACKETS = frozenset("{}[]()")


def outline_hcl(text: str) -> Outline:
    """Top-level blocks of a ``.tf`` file (see the module docstring)."""
    return _outline_hcl(text, skim=True)


def _outline_hcl(text: str, *, skim: bool) -> Outline:
    """``outline_hcl``; without ``skim``, every item through the token path (the
    reference the fast path is tested against)."""
    lexer = _Lexer(text)
    blocks: list[OutlineBlock] = []
    problems = lexer.problems
    brackets: list[tuple[str, int, int]] = []  # (char, line, column) of open brackets
    open_count = {"{": 0, "[": 0, "(": 0}
    body: _Body | None = None  # the top-level block being read
    header: list[Token] = []  # top level: the words and strings of a block header
    skipping = False  # top level: an attribute (a .tfvars file) or junk, until end of line
    last_line = 1
    depth = 0

    def open_bracket(char: str, line: int, column: int, level: int) -> None:
        """A bracket opens at ``level`` of nesting (1: a top-level block's brace)."""
        nonlocal depth
        brackets.append((char, line, column))
        open_count[char] += 1
        depth = max(depth, level)

    def set_lexer_depth() -> None:
        """What the lexer may skip from here (``_Lexer.deep``): inside nested brackets,
        everything but brackets, strings, heredocs and comments; on the rest of a block
        item's line, that and line ends too."""
        if len(brackets) >= 2:
            lexer.deep = 2
        elif brackets and body is not None and body.state in ("value", "rest", "skip"):
            lexer.deep = 1
        else:
            lexer.deep = 0

    def close_block(end_line: int) -> None:
        nonlocal body
        if body is not None:
            body.end_item()
            b = body.block
            blocks.append(OutlineBlock(b.type, b.labels, b.line, end_line, tuple(b.attributes),
                                       tuple(b.templates)))
        body = None

    def skim_items() -> None:
        """Apply the items the fast path knows (see ``_TOP_ITEM``, ``_BODY_ITEM``) from
        where the lexer stands, as the token path would, until one it does not; the
        lexer goes on from there."""
        nonlocal body, depth, last_line, skipping
        n = len(text)
        i, line, line_start = lexer.i, lexer.line, lexer.line_start
        body_item = _BODY_ITEM.match
        while True:
            nb = len(brackets)
            if not nb and not header and not skipping:
                m = _TOP_ITEM.match(text, i)
                if m is None:
                    break
                item = m.lastgroup
                end = m.end()
                if item == "blank":
                    last_line = line + text.count("\n", i, end) - 1
                    line = last_line + 1
                    i = line_start = end
                    continue
                if item == "attribute":
                    start = m.start("attribute")
                    nl = text.rfind("\n", i, start)
                    if nl >= 0:
                        line += text.count("\n", i, start)
                        line_start = nl + 1
                    last_line = line
                    i = end
                    skipping = True
                    continue
                start, brace = m.start("type"), m.start("open")
                nl = text.rfind("\n", i, start)
                if nl >= 0:
                    line += text.count("\n", i, start)
                    line_start = nl + 1
                label1, label2, more = m.group("label1", "label2", "more")
                if more:
                    labels = tuple(a or b for a, b in _LABEL.findall(text, m.end("type"), brace))
                elif label2 is not None:
                    labels = (label1, label2)
                else:
                    labels = () if label1 is None else (label1,)
                block_type, block_line = m.group("type"), line
                attributes: list[tuple[str, str | None]] = []
                templates: list[tuple[str, tuple[str, ...] | None]] = []
                open_bracket("{", line, brace - line_start + 1, 1)
                last_line = line
                i = end
                if end > brace + 1:  # the line ends after the brace
                    line += text.count("\n", brace, end)
                    last_line = line - 1
                    line_start = end
                # ``body`` stays None while the block's items are all the fast path's.
            elif nb == 1 and body is not None and body.state == "start":
                block = body.block
                block_type, labels, block_line = block.type, block.labels, block.line
                attributes, templates = block.attributes, block.templates
            elif (nb == 1 and body is not None) or (not nb and skipping and not header):
                # The rest of a line whose item is known: a block body's item, or a
                # top-level attribute's (a .tfvars file).
                if body is not None and nb and body.state not in ("value", "rest", "skip"):
                    break
                end = _TAIL.match(text, i).end()  # type: ignore[union-attr]
                if end >= n:
                    break
                i = end
                c = text[end]
                if c == "\n":
                    if nb and body is not None:
                        body.end_item()
                    else:
                        skipping = False
                    last_line = line
                    line += 1
                    line_start = end + 1
                elif c in _OPENERS:
                    open_bracket(c, line, end - line_start + 1, nb + 1)
                    last_line = line
                elif c == "}" and nb:
                    brackets.pop()
                    open_count["{"] -= 1
                    close_block(line)
                    last_line = line
                else:
                    break
                i = end + 1
                continue
            elif nb:
                # Inside a nested bracket (or one at the top level): only brackets count.
                end = _NESTED.match(text, i).end()  # type: ignore[union-attr]
                if end >= n:
                    break  # the token path reads what ends the text
                nl = text.rfind("\n", i, end)
                if nl >= 0:
                    line += text.count("\n", i, end)
                    line_start = nl + 1
                i = end
                c = text[end]
                if c in _OPENERS:
                    open_bracket(c, line, end - line_start + 1, nb + 1)
                elif c in _CLOSE and brackets[-1][0] == _CLOSE[c]:
                    char, _, _ = brackets.pop()
                    open_count[char] -= 1
                else:
                    break
                last_line = line
                i = end + 1
                continue
            else:
                break
            # Directly in a block body, at the start of an item.
            while (m := body_item(text, i)) is not None:
                item = m.lastgroup
                end = m.end()
                if item == "lit":
                    name, value = m.group("name", "string")
                    if "${" in value:
                        attributes.append((name, None))
                        templates.append((name, tuple(_INTERPOLATION.split(value))))
                    else:
                        attributes.append((name, value))
                        templates.append((name, (value,)))
                    last_line = line
                    line += 1
                elif item == "e0":
                    name = m.group("name")
                    attributes.append((name, None))
                    templates.append((name, None))
                    last_line = line
                    line += 1
                elif item == "blank":
                    last_line = line + text.count("\n", i, end) - 1
                    line = last_line + 1
                elif item in _ITEM_DEPTH:
                    if item[0] == "e":
                        name = m.group("name")
                        attributes.append((name, None))
                        templates.append((name, None))
                    depth = max(depth, _ITEM_DEPTH[item])  # type: ignore[index]
                    last_line = line + text.count("\n", i, end) - 1
                    line = last_line + 1
                else:
                    break
                i = line_start = end
            else:
                if body is None:
                    body = _Body(_OpenBlock(block_type, labels, block_line, attributes, templates))
                break
            last_line = line
            i = end
            if item == "close":
                brackets.pop()
                open_count["{"] -= 1
                blocks.append(OutlineBlock(block_type, labels, block_line, line,
                                           tuple(attributes), tuple(templates)))
                body = None
                continue
            if body is None:
                body = _Body(_OpenBlock(block_type, labels, block_line, attributes, templates))
            if item == "expression":
                body.name, body.state = m.group("name"), "value"
            else:
                body.state = "skip"
        lexer.i, lexer.line, lexer.line_start = i, line, line_start
        set_lexer_depth()

    if skim:
        skim_items()
    for tok in lexer.tokens():
        last_line = tok.end_line
        kind = tok.kind
        if kind == "comment":
            continue
        if not brackets:
            if kind == "newline":
                if header:
                    first = header[0]
                    problems.append(OutlineProblem(first.line, first.column,
                                                   f"block {first.value!r} has no opening {{ on its line"))
                header, skipping = [], False
                if skim:
                    skim_items()
                continue
            if not skipping:
                if kind == "{" and header:
                    labels = tuple(t.value or "" for t in header[1:])
                    body = _Body(_OpenBlock(header[0].value or "", labels, header[0].line))
                    header = []
                elif kind == "=" and len(header) == 1:
                    header, skipping = [], True
                    continue
                elif (kind == "word" and _IDENT.fullmatch(tok.value or "")) or (kind == "string" and header):
                    header.append(tok)
                    continue
                else:
                    what = tok.value if kind in ("word", "}", "]", ")") else kind
                    problems.append(OutlineProblem(tok.line, tok.column, f"unexpected {what!r}"))
                    header, skipping = [], True
        elif len(brackets) == 1 and body is not None and not (kind in _CLOSE and brackets[-1][0] == _CLOSE[kind]):
            body.token(tok)
        if kind in open_count:
            open_bracket(kind, tok.line, tok.column, len(brackets) + 1)
        elif kind in _CLOSE:
            opener = _CLOSE[kind]
            if not open_count[opener]:
                if brackets or not skipping:
                    problems.append(OutlineProblem(tok.line, tok.column, f"{kind} without a matching {opener}"))
                continue
            if brackets[-1][0] != opener:
                char, line, _ = brackets[-1]
                problems.append(OutlineProblem(tok.line, tok.column,
                                               f"{kind} closes the {char} opened on line {line}"))
            while True:
                char, _, _ = brackets.pop()
                open_count[char] -= 1
                if char == opener:
                    break
            if not brackets:
                close_block(tok.line)
        set_lexer_depth()
        if skim and (kind == "newline" or kind in _BRACKETS):
            skim_items()
    if header:
        first = header[0]
        problems.append(OutlineProblem(first.line, first.column,
                                       f"block {first.value!r} has no opening {{ on its line"))
    if brackets:
        char, line, column = brackets[0]
        what = f"block {body.block.type!r}" if body is not None else f"this {char}"
        problems.append(OutlineProblem(line, column, f"{what} opened here is never closed"))
        close_block(last_line)
    return Outline(tuple(blocks), _capped(problems), depth)


# A hostile file can hold a problem per character; a caller needs the first few.
MAX_PROBLEMS = 20


def _capped(problems: list[OutlineProblem]) -> tuple[OutlineProblem, ...]:
    if len(problems) <= MAX_PROBLEMS:
        return tuple(problems)
    last = problems[MAX_PROBLEMS - 1]
    more = OutlineProblem(last.line, last.column, f"and {len(problems) - MAX_PROBLEMS + 1} more problems")
    return (*problems[: MAX_PROBLEMS - 1], more)


# ---------------------------------------------------------------------------
# Terraform JSON
# ---------------------------------------------------------------------------

# Labels each block type takes in JSON syntax (the native syntax writes them).
_JSON_LABELS = {"resource": 2, "data": 2, "ephemeral": 2, "module": 1, "variable": 1,
                "output": 1, "provider": 1, "check": 1}
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+|\s+', re.DOTALL)


class _Node:
    """A JSON value with the line it starts on: an object (``pairs``), an array
    (``items``) or a scalar (``value``)."""

    __slots__ = ("end_line", "items", "kind", "line", "pairs", "value")

    def __init__(self, kind: str, line: int) -> None:
        self.kind = kind
        self.line = line
        self.end_line = line
        self.pairs: list[tuple[str, _Node]] = []
        self.items: list[_Node] = []
        self.value: object = None


def _json_tree(text: str) -> _Node | None:
    """A positioned tree of a document ``json`` already accepted (iterative)."""
    stack: list[_Node] = []
    keys: list[str | None] = []
    root: _Node | None = None
    line = 1
    key: str | None = None
    for m in _JSON_TOKEN.finditer(text):
        tok = m.group()
        first = tok[0]
        if first in " \t\r\n":
            line += tok.count("\n")
            continue
        if first in "{[":
            node = _Node("object" if first == "{" else "array", line)
        elif first in "}]":
            done = stack.pop()
            done.end_line = line
            key = keys.pop()
            continue
        elif first == ":":
            continue
        elif first == ",":
            continue
        else:
            node = _Node("scalar", line)
            try:
                node.value = json.loads(tok)
            except ValueError:
                node.value = None
            parent = stack[-1] if stack else None
            if parent is not None and parent.kind == "object" and key is None:
                key = node.value if isinstance(node.value, str) else str(node.value)
                continue
        parent = stack[-1] if stack else None
        if parent is None:
            root = node
        elif parent.kind == "object":
            parent.pairs.append((key or "", node))
            key = None
        else:
            parent.items.append(node)
        if node.kind != "scalar":
            stack.append(node)
            keys.append(key)
            key = None
    return root


def _objects(node: _Node) -> Iterator[_Node]:
    """A JSON block body may be an object or an array of objects."""
    if node.kind == "object":
        yield node
    elif node.kind == "array":
        for item in node.items:
            if item.kind == "object":
                yield item


def outline_json(text: str) -> Outline:
    """Top-level blocks of a ``.tf.json`` file."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return Outline(problems=(OutlineProblem(exc.lineno, exc.colno, f"invalid JSON: {exc.msg}"),))
    except RecursionError:
        return Outline(problems=(OutlineProblem(1, 1, "JSON nested too deeply"),))
    root = _json_tree(text)
    if root is None or root.kind != "object":
        return Outline(problems=(OutlineProblem(1, 1, "a Terraform JSON file must be an object"),))
    blocks: list[OutlineBlock] = []
    for block_type, value in root.pairs:
        if block_type == "//":
            continue  # a comment
        wanted = _JSON_LABELS.get(block_type, 0)
        # (labels so far, node) pairs, expanded one label level at a time.
        level: list[tuple[tuple[str, ...], _Node]] = [((), value)]
        for _ in range(wanted):
            level = [
                ((*labels, key), child)
                for labels, node in level
                for obj in _objects(node)
                for key, child in obj.pairs
                if key != "//"
            ]
        for labels, node in level:
            for body in _objects(node):
                attributes = tuple(
                    (key, _json_literal(child)) for key, child in body.pairs if key != "//"
                )
                templates = tuple((key, None if v is None else (v,)) for key, v in attributes)
                blocks.append(OutlineBlock(block_type, labels, body.line, body.end_line, attributes,
                                           templates))
    return Outline(tuple(blocks))


def _json_literal(node: _Node) -> str | None:
    """A JSON string is a template in Terraform: literal only without ``${``/``%{``."""
    value = node.value
    if node.kind != "scalar" or not isinstance(value, str):
        return None
    return None if ("${" in value or "%{" in value) else value


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def outline_text(text: str, *, is_json: bool = False) -> Outline:
    """The outline of a ``.tf`` (or, with ``is_json``, ``.tf.json``) text."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return outline_json(text) if is_json else outline_hcl(text)


def outline_file(path: Path, max_bytes: int) -> Outline:
    """The outline of a file on disk; a file that cannot be read is one problem."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Outline(problems=(OutlineProblem(1, 1, f"file too large ({size} bytes)"),))
        data = path.read_bytes()
    except OSError as exc:
        return Outline(problems=(OutlineProblem(1, 1, f"cannot read file: {exc.strerror or exc}"),))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Outline(problems=(OutlineProblem(1, 1, f"file is not UTF-8 text (byte {exc.start})"),))
    return outline_text(text, is_json=path.name.endswith(".json"))
