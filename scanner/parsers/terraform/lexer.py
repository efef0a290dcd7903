"""The lexical structure of an HCL file that python-hcl2's tree does not keep.

python-hcl2 folds comments into newline tokens and rejects some syntax Terraform accepts,
so one small scanner that knows strings, heredocs, template sequences and brackets tells
the rest of the front end three things, each by offset into the original text:

* the comment tokens (suppression comments are read from these, never from raw lines, so a
  ``# trailscan:ignore`` inside a heredoc or a string is just text);
* the newlines Terraform ignores: HCL skips newlines inside ``( )``, ``[ ]``, ``{ for ... }``
  and ``${ }``, while python-hcl2 accepts them only at some grammar positions;
* the characters python-hcl2 cannot lex at all: strip markers of interpolations in quoted
  strings (``"${~ x ~}"``) and non-ASCII letters in identifiers.

It never backtracks: every character is looked at a bounded number of times.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import field
from enum import Enum

from scanner.valueclass import ValueObject, value_class


class _Ctx(Enum):
    BODY = "body"          # a body or object constructor: newlines separate items
    PENDING = "pending"    # just after "{": a body or a for expression, not known yet
    FOR = "for"            # { for ... }: newlines ignored
    PAREN = "paren"        # ( ): newlines ignored
    BRACKET = "bracket"    # [ ] (tuple, index, [for ...]): newlines ignored
    INTERP = "interp"      # ${ } in a quoted string: newlines ignored
    DIRECTIVE = "directive"  # %{ } in a quoted string: newlines ignored
    STRING = "string"      # inside "..."


_IGNORES_NEWLINES = frozenset({_Ctx.FOR, _Ctx.PAREN, _Ctx.BRACKET, _Ctx.INTERP, _Ctx.DIRECTIVE})
_CLOSERS = {")": (_Ctx.PAREN,), "]": (_Ctx.BRACKET,),
            "}": (_Ctx.BODY, _Ctx.PENDING, _Ctx.FOR, _Ctx.INTERP, _Ctx.DIRECTIVE)}

# Characters that change the lexer's state in code (everything else is skipped in bulk).
_CODE_STOP = re.compile(r'[\n#/"<{}()\[\]]|[^\x00-\x7f]')
_STRING_STOP = re.compile(r'[\\"$%]')
_HEREDOC_OPEN = re.compile(r"<<-?([A-Za-z][A-Za-z0-9._-]*)\r?\n")
_FOR_WORD = re.compile(r"for(?![A-Za-z0-9_-])")
_NON_BLANK = re.compile(r"[^ \t\r\n]+")


@value_class()
class Comment(ValueObject):
    """One comment token: ``#``/``//`` to the end of the line, or ``/* ... */``."""

    text: str
    start: int  # offset of the first character
    end: int  # offset after the last character (a line comment stops before its newline)
    line: int  # 1-based
    column: int  # 1-based
    block: bool
    own_line: bool  # nothing but blanks before it on its line
    # Inside brackets, parentheses, a for expression or an interpolation, where Terraform
    # ignores the newline that ends a line comment.
    in_ignored_newlines: bool


@value_class(frozen=False)
class Lexed(ValueObject):
    """A file's text with what the grammar cannot see: comments, ignored newlines, strip markers."""

    text: str
    comments: list[Comment] = field(default_factory=list)
    ignored_newlines: list[int] = field(default_factory=list)
    # Offsets of the "~" of "${~" (left) and "~}" (right) in interpolations of quoted strings.
    strip_left: list[int] = field(default_factory=list)
    strip_right: list[int] = field(default_factory=list)
    unicode_name_chars: list[int] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of ``offset``, columns counted in characters as lark does."""
        if not self._line_starts:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        index = bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def comment_only_lines(self) -> set[int]:
        """Lines holding nothing but comments and blanks (at least one comment)."""
        with_comment: set[int] = set()
        with_code: set[int] = set()
        pos = 0
        for comment in self.comments:
            for word in _NON_BLANK.finditer(self.text, pos, comment.start):
                with_code.add(self.position(word.start())[0])
            end_line = self.position(max(comment.start, comment.end - 1))[0]
            with_comment.update(range(comment.line, end_line + 1))
            pos = comment.end
        for word in _NON_BLANK.finditer(self.text, pos):
            with_code.add(self.position(word.start())[0])
        return with_comment - with_code


def _is_name_char(ch: str) -> bool:
    return ("a" + ch).isidentifier()


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.out = Lexed(text=text)
        self.stack: list[_Ctx] = [_Ctx.BODY]
        self.checked = 0  # offset up to which code/comment characters were classified
        self.last_code = 0  # offset after the last code character seen

    def run(self) -> Lexed:
        i = 0
        while i < self.n:
            if self.stack[-1] is _Ctx.STRING:
                i = self._string(i)
            else:
                i = self._code(i)
        return self.out

    # -- code -------------------------------------------------------------------

    def _code(self, i: int) -> int:
        text = self.text
        if self.stack[-1] is _Ctx.PENDING:
            i = self._resolve_brace(i)
        match = _CODE_STOP.search(text, i)
        if match is None:
            return self.n
        i = match.start()
        ch = text[i]
        top = self.stack[-1]
        if ch == "\n":
            if top in _IGNORES_NEWLINES:
                self.out.ignored_newlines.append(i)
            return i + 1
        if ch == "#" or text.startswith("//", i):
            end = text.find("\n", i)
            return self._comment(i, self.n if end < 0 else end, block=False)
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            return self._comment(i, self.n if end < 0 else end + 2, block=True)
        if ch == '"':
            self.stack.append(_Ctx.STRING)
        elif ch == "<":
            return self._heredoc(i)
        elif ch == "{":
            self.stack.append(_Ctx.PENDING)
        elif ch == "(":
            self.stack.append(_Ctx.PAREN)
        elif ch == "[":
            self.stack.append(_Ctx.BRACKET)
        elif ch in _CLOSERS:
            self._close(i, ch, top)
        elif ch != "/" and _is_name_char(ch):
            self.out.unicode_name_chars.append(i)
        return i + 1

    def _resolve_brace(self, i: int) -> int:
        """After "{": the first token that is not a blank, newline or comment decides
        whether this is a for expression (newlines ignored) or a body/object."""
        text = self.text
        while i < self.n and text[i] in " \t\r":
            i += 1
        if i < self.n and text[i] != "\n" and text[i] != "#" and not text.startswith(
            ("//", "/*"), i
        ):
            self.stack[-1] = _Ctx.FOR if _FOR_WORD.match(text, i) else _Ctx.BODY
        return i

    def _close(self, i: int, ch: str, top: _Ctx) -> None:
        if len(self.stack) <= 1 or top not in _CLOSERS[ch]:
            return  # a stray closer: python-hcl2 reports the syntax error
        self.stack.pop()
        if top is _Ctx.INTERP and self.text[i - 1] == "~" and not (
            self.out.strip_left and self.out.strip_left[-1] == i - 1
        ):
            self.out.strip_right.append(i - 1)

    def _comment(self, start: int, end: int, *, block: bool) -> int:
        text = self.text
        # the last character that is not blank and not in a comment, found by looking at
        # each character once (a line of 100,000 comments stays linear)
        code = text[self.checked:start].rstrip(" \t\r\n")
        if code:
            self.last_code = self.checked + len(code)
        line, column = self.out.position(start)
        self.out.comments.append(
            Comment(
                text=text[start:end],
                start=start,
                end=end,
                line=line,
                column=column,
                block=block,
                own_line=self.last_code <= start - column + 1,
                in_ignored_newlines=self.stack[-1] in _IGNORES_NEWLINES,
            )
        )
        self.checked = end
        return end

    def _heredoc(self, i: int) -> int:
        match = _HEREDOC_OPEN.match(self.text, i)
        if match is None:
            return i + 1
        marker = match.group(1)
        pos = match.end()
        while pos < self.n:
            eol = self.text.find("\n", pos)
            line_end = self.n if eol < 0 else eol
            if self.text[pos:line_end].strip() == marker:
                return line_end + 1 if eol >= 0 else self.n
            pos = line_end + 1
        return self.n

    # -- quoted strings -----------------------------------------------------------

    def _string(self, i: int) -> int:
        text = self.text
        match = _STRING_STOP.search(text, i)
        if match is None:
            return self.n
        i = match.start()
        ch = text[i]
        if ch == "\\":
            return i + 2
        if ch == '"':
            self.stack.pop()
            return i + 1
        if text.startswith(ch * 2 + "{", i):  # "$${" and "%%{" are literal text
            return i + 3
        if text.startswith(ch + "{", i):
            if ch == "$":
                self.stack.append(_Ctx.INTERP)
                if text.startswith("~", i + 2):
                    self.out.strip_left.append(i + 2)
            else:
                self.stack.append(_Ctx.DIRECTIVE)
            return i + 2
        return i + 1


def lex(text: str) -> Lexed:
    """Comments, ignored newlines and unlexable characters of one HCL file."""
    return _Lexer(text).run()
