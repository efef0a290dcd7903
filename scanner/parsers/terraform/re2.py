"""RE2 regular expressions, as Terraform's ``regex``, ``regexall`` and ``replace`` read them,
matched in time linear in the text: no input can make a match backtrack.

Terraform uses Go's ``regexp`` package (RE2 syntax, leftmost-first semantics). Python's
``re`` backtracks: ``replace(s, "/(a+)+$/", "")`` on thirty ``a`` and a ``b`` would run
for hours. Here a pattern is parsed (``_Parser``, Go's ``regexp/syntax`` rules), compiled
to a small program (character tests, splits with a preferred branch, jumps, capture
saves, assertions) and run by a Pike VM: all threads advance together, one step per
character, at most one thread per instruction, so a search costs at most
``len(text) x len(program)`` steps. Each step is charged to the unit's evaluation budget,
and a program longer than ``MAX_PROGRAM`` instructions (a counted repetition unrolls) is
refused as too complex to evaluate (``PatternTooComplex``).

Supported: literals and escapes (``\\a \\f \\t \\n \\r \\v``, octal ``\\0..``, ``\\x7F``,
``\\x{10FFFF}``, ``\\Q...\\E``, escaped punctuation), ``.``, classes ``[...]``/``[^...]``
with ranges, ``[:alpha:]``-style ASCII classes, ``\\d \\s \\w`` (ASCII, as in Go) and their
negations, ``\\pL``/``\\p{Lu}``/``\\PN`` (Unicode general categories), ``^ $ \\A \\z \\b
\\B``, groups ``(...)``, ``(?:...)``, ``(?P<name>...)``, ``(?<name>...)``, flags ``i m s U``
(``(?i)``, ``(?i:...)``, ``(?-s)``), ``|``, and ``* + ? {n} {n,} {n,m}`` with lazy forms.
What Go rejects is a ``RegexSyntaxError`` (backreferences, ``\\Z``, repeat counts over
1000, nested repetition operators); Unicode scripts (``\\p{Greek}``) are not supported.
"""

from __future__ import annotations

import unicodedata
from dataclasses import field
from functools import lru_cache
from typing import Any

from scanner.limits import Budget
from scanner.valueclass import ValueObject, value_class

# Instructions of a compiled program. A pattern needing more is refused.
MAX_PROGRAM = 10_000
_MAX_REPEAT = 1000  # Go's limit on a repetition count
_MAX_NESTING = 1000  # Go's limit on nesting (parentheses and repetitions)

# Opcodes.
_CHAR, _SPLIT, _JMP, _SAVE, _ASSERT, _MATCH = range(6)
# Assertions.
_BEGIN_TEXT, _END_TEXT, _BEGIN_LINE, _END_LINE, _WORD, _NOT_WORD = range(6)


class RegexSyntaxError(ValueError):
    """A pattern Go's ``regexp`` rejects (Terraform says "invalid regular expression")."""


class PatternTooComplex(ValueError):
    """A valid pattern whose program is too long to evaluate in bounded time."""


# ---------------------------------------------------------------------------
# Character tests
# ---------------------------------------------------------------------------

_ASCII_WORD = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_PERL = {
    "d": ((0x30, 0x39),),
    "s": ((0x09, 0x0A), (0x0C, 0x0D), (0x20, 0x20)),
    "w": ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)),
}
_POSIX = {
    "alnum": ((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)),
    "alpha": ((0x41, 0x5A), (0x61, 0x7A)),
    "ascii": ((0x00, 0x7F),),
    "blank": ((0x09, 0x09), (0x20, 0x20)),
    "cntrl": ((0x00, 0x1F), (0x7F, 0x7F)),
    "digit": ((0x30, 0x39),),
    "graph": ((0x21, 0x7E),),
    "lower": ((0x61, 0x7A),),
    "print": ((0x20, 0x7E),),
    "punct": ((0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)),
    "space": ((0x09, 0x0D), (0x20, 0x20)),
    "upper": ((0x41, 0x5A),),
    "word": ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)),
    "xdigit": ((0x30, 0x39), (0x41, 0x46), (0x61, 0x66)),
}
_CATEGORIES = frozenset({
    "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn",
    "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk",
    "Sm", "So", "Z", "Zl", "Zp", "Zs",
})


def _fold_variants(ch: str) -> tuple[str, ...]:
    """``ch`` and its simple case foldings (single characters only)."""
    out = [ch]
    for other in (ch.lower(), ch.upper(), ch.casefold()):
        if len(other) == 1 and other not in out:
            out.append(other)
    return tuple(out)


@value_class()
class CharTest(ValueObject):
    """One character test: code-point ranges, Unicode categories (negated ones apart),
    the whole thing negated, compared case-insensitively when ``fold``."""

    ranges: tuple[tuple[int, int], ...] = ()
    categories: tuple[str, ...] = ()
    not_categories: tuple[str, ...] = ()
    negate: bool = False
    fold: bool = False

    def _raw(self, ch: str) -> bool:
        code = ord(ch)
        for lo, hi in self.ranges:
            if lo <= code <= hi:
                return True
        if self.categories or self.not_categories:
            category = unicodedata.category(ch)
            if any(category.startswith(c) for c in self.categories):
                return True
            if any(not category.startswith(c) for c in self.not_categories):
                return True
        return False

    def matches(self, ch: str) -> bool:
        hit = any(self._raw(c) for c in _fold_variants(ch)) if self.fold else self._raw(ch)
        return hit != self.negate


# ---------------------------------------------------------------------------
# Syntax tree
# ---------------------------------------------------------------------------


@value_class(frozen=False)
class _Char(ValueObject):
    test: CharTest


@value_class(frozen=False)
class _Assert(ValueObject):
    kind: int


@value_class(frozen=False)
class _Concat(ValueObject):
    items: list[Any] = field(default_factory=list)


@value_class(frozen=False)
class _Alt(ValueObject):
    branches: list[Any] = field(default_factory=list)


@value_class(frozen=False)
class _Repeat(ValueObject):
    node: Any
    low: int
    high: int | None
    greedy: bool


@value_class(frozen=False)
class _Group(ValueObject):
    node: Any
    index: int  # capture slot pair; 0 for a non-capturing group


@value_class(frozen=False)
class _Flags(ValueObject):
    fold: bool = False  # i
    multiline: bool = False  # m
    dotall: bool = False  # s
    ungreedy: bool = False  # U

    def copy(self) -> _Flags:
        return _Flags(self.fold, self.multiline, self.dotall, self.ungreedy)


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.pos = 0
        self.groups = 0
        self.names: dict[str, int] = {}
        self.depth = 0

    def error(self, message: str) -> RegexSyntaxError:
        return RegexSyntaxError(f"{message} at offset {self.pos}")

    def peek(self) -> str | None:
        return self.text[self.pos] if self.pos < len(self.text) else None

    def parse(self) -> Any:
        node = self.alternation(_Flags())
        if self.pos < len(self.text):
            raise self.error("unexpected )")
        return node

    def alternation(self, flags: _Flags) -> Any:
        self.depth += 1
        if self.depth > _MAX_NESTING:
            raise self.error("expression nests too deeply")
        branches = [self.concatenation(flags)]
        while self.peek() == "|":
            self.pos += 1
            branches.append(self.concatenation(flags))
        self.depth -= 1
        return branches[0] if len(branches) == 1 else _Alt(branches)

    def concatenation(self, flags: _Flags) -> _Concat:
        out = _Concat()
        while True:
            ch = self.peek()
            if ch is None or ch in "|)":
                return out
            if ch in "*+?":
                raise self.error(f"missing argument to repetition operator {ch}")
            if ch == "(" and self.text.startswith("(?", self.pos) and self._flag_group(flags):
                continue  # (?i) changes the flags of the rest of this group
            atom = self.atom(flags)
            if isinstance(atom, _Concat):  # \Q...\E: a repetition applies to its last character
                if not atom.items:
                    continue
                out.items.extend(atom.items[:-1])
                atom = atom.items[-1]
            out.items.append(self.repetitions(atom, flags))

    def repetitions(self, atom: Any, flags: _Flags) -> Any:
        repeated = False
        while True:
            start = self.pos
            ch = self.peek()
            if ch in ("*", "+", "?"):
                self.pos += 1
                low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}[ch]
            elif ch == "{":
                counts = self._counts()
                if counts is None:
                    return atom  # not a repetition: a literal "{" comes next
                low, high = counts
            else:
                return atom
            if repeated:
                self.pos = start
                raise self.error("invalid nested repetition operator")
            repeated = True
            greedy = True
            if self.peek() == "?":
                self.pos += 1
                greedy = False
            if flags.ungreedy:
                greedy = not greedy
            atom = _Repeat(atom, low, high, greedy)

    def _counts(self) -> tuple[int, int | None] | None:
        text, i = self.text, self.pos + 1
        j = i
        while j < len(text) and text[j].isdigit() and text[j].isascii():
            j += 1
        if j == i:
            return None
        low_text = text[i:j]
        high: int | None
        if j < len(text) and text[j] == "}":
            high_text: str | None = low_text
            end = j + 1
        elif j < len(text) and text[j] == ",":
            k = j + 1
            while k < len(text) and text[k].isdigit() and text[k].isascii():
                k += 1
            if k >= len(text) or text[k] != "}":
                return None
            high_text = text[j + 1:k] or None
            end = k + 1
        else:
            return None
        if len(low_text) > 4 or (high_text is not None and len(high_text) > 4):
            raise self.error("invalid repeat count")
        low = int(low_text)
        high = int(high_text) if high_text is not None else None
        if low > _MAX_REPEAT or (high is not None and (high > _MAX_REPEAT or high < low)):
            raise self.error("invalid repeat count")
        self.pos = end
        return low, high

    def _flag_group(self, flags: _Flags) -> bool:
        """``(?flags)`` alone: apply to ``flags`` and say so; else leave it for ``atom``."""
        text, i = self.text, self.pos + 2
        j = i
        while j < len(text) and text[j] in "imsU-":
            j += 1
        if j < len(text) and text[j] == ")" and j > i:
            self._apply_flags(text[i:j], flags)
            self.pos = j + 1
            return True
        return False

    def _apply_flags(self, spec: str, flags: _Flags) -> None:
        value = True
        seen_minus = False
        for letter in spec:
            if letter == "-":
                if seen_minus:
                    raise self.error("invalid or unsupported Perl syntax")
                seen_minus, value = True, False
                continue
            setattr(flags, {"i": "fold", "m": "multiline", "s": "dotall", "U": "ungreedy"}[letter], value)
        if spec.endswith("-"):
            raise self.error("invalid or unsupported Perl syntax")

    def atom(self, flags: _Flags) -> Any:
        ch = self.text[self.pos]
        if ch == "(":
            return self.group(flags)
        if ch == "[":
            return _Char(self.char_class(flags))
        self.pos += 1
        if ch == ".":
            if flags.dotall:
                return _Char(CharTest(ranges=((0, 0x10FFFF),)))
            return _Char(CharTest(ranges=((0x0A, 0x0A),), negate=True))  # all but a newline
        if ch == "^":
            return _Assert(_BEGIN_LINE if flags.multiline else _BEGIN_TEXT)
        if ch == "$":
            return _Assert(_END_LINE if flags.multiline else _END_TEXT)
        if ch == "\\":
            return self.escape(flags)
        return self.literal(ch, flags)

    def literal(self, ch: str, flags: _Flags) -> _Char:
        code = ord(ch)
        return _Char(CharTest(ranges=((code, code),), fold=flags.fold))

    def group(self, flags: _Flags) -> Any:
        text = self.text
        self.pos += 1
        inner_flags = flags.copy()
        index = 0
        if text.startswith("?", self.pos):
            if text.startswith("?P<", self.pos) or text.startswith("?<", self.pos):
                self.pos += 3 if text.startswith("?P<", self.pos) else 2
                end = text.find(">", self.pos)
                name = text[self.pos:end] if end >= 0 else ""
                if end < 0 or not name or not all(c.isalnum() or c == "_" for c in name):
                    raise self.error("invalid named capture")
                if name in self.names:
                    raise self.error("duplicate capture group name")
                self.groups += 1
                index = self.groups
                self.names[name] = index
                self.pos = end + 1
            else:
                i = self.pos + 1
                j = i
                while j < len(text) and text[j] in "imsU-":
                    j += 1
                if j >= len(text) or text[j] != ":":
                    raise self.error("invalid or unsupported Perl syntax")
                self._apply_flags(text[i:j], inner_flags)
                self.pos = j + 1
        else:
            self.groups += 1
            index = self.groups
        node = self.alternation(inner_flags)
        if self.peek() != ")":
            raise self.error("missing closing )")
        self.pos += 1
        return _Group(node, index)

    def escape(self, flags: _Flags) -> Any:
        text = self.text
        if self.pos >= len(text):
            raise self.error("trailing backslash at end of expression")
        ch = text[self.pos]
        self.pos += 1
        if ch == "A":
            return _Assert(_BEGIN_TEXT)
        if ch == "z":
            return _Assert(_END_TEXT)
        if ch == "b":
            return _Assert(_WORD)
        if ch == "B":
            return _Assert(_NOT_WORD)
        if ch == "Q":
            end = text.find("\\E", self.pos)
            literal = text[self.pos:] if end < 0 else text[self.pos:end]
            self.pos = len(text) if end < 0 else end + 2
            return _Concat([self.literal(c, flags) for c in literal])
        self.pos -= 1
        test = self._class_escape(flags)
        if test is not None:
            return _Char(test)
        return self.literal(chr(self._char_escape()), flags)

    def _class_escape(self, flags: _Flags) -> CharTest | None:
        """``\\d``-style and ``\\p``-style escapes (at ``self.pos``, the escaped letter)."""
        ch = self.text[self.pos]
        if ch.lower() in _PERL:
            self.pos += 1
            return CharTest(ranges=_PERL[ch.lower()], negate=ch.isupper(), fold=flags.fold)
        if ch in "pP":
            self.pos += 1
            name = self._unicode_name()
            negate = ch == "P"
            if name.startswith("^"):
                name, negate = name[1:], not negate
            if name == "Any":
                return CharTest(ranges=((0, 0x10FFFF),), negate=negate)
            if name not in _CATEGORIES:
                raise RegexSyntaxError(f"unsupported Unicode class \\p{{{name}}} (trailscan knows "
                                       "the general categories only)")
            return CharTest(categories=(name,), negate=negate, fold=flags.fold)
        return None

    def _unicode_name(self) -> str:
        text = self.text
        if self.pos >= len(text):
            raise self.error("invalid character class range")
        if text[self.pos] == "{":
            end = text.find("}", self.pos)
            if end < 0:
                raise self.error("invalid character class range")
            name = text[self.pos + 1:end]
            self.pos = end + 1
            return name
        name = text[self.pos]
        self.pos += 1
        return name

    def _char_escape(self) -> int:
        """The code point of a single-character escape at ``self.pos`` (after ``\\``)."""
        text = self.text
        ch = text[self.pos]
        self.pos += 1
        simple = {"a": 7, "f": 12, "t": 9, "n": 10, "r": 13, "v": 11}
        if ch in simple:
            return simple[ch]
        if ch in "01234567":
            if ch != "0" and not (self.pos < len(text) and text[self.pos] in "01234567"):
                raise self.error("invalid escape sequence (backreferences are not supported)")
            digits = ch
            while len(digits) < 3 and self.pos < len(text) and text[self.pos] in "01234567":
                digits += text[self.pos]
                self.pos += 1
            return int(digits, 8)
        if ch == "x":
            if text.startswith("{", self.pos):
                end = text.find("}", self.pos)
                digits = text[self.pos + 1:end] if end > 0 else ""
                if not digits or len(digits) > 8 or not all(c in "0123456789abcdefABCDEF" for c in digits):
                    raise self.error("invalid escape sequence")
                self.pos = end + 1
            else:
                digits = text[self.pos:self.pos + 2]
                if len(digits) != 2 or not all(c in "0123456789abcdefABCDEF" for c in digits):
                    raise self.error("invalid escape sequence")
                self.pos += 2
            code = int(digits, 16)
            if code > 0x10FFFF:
                raise self.error("invalid escape sequence")
            return code
        if ch.isascii() and not ch.isalnum():
            return ord(ch)
        raise self.error(f"invalid escape sequence \\{ch}")

    def char_class(self, flags: _Flags) -> CharTest:
        text = self.text
        self.pos += 1
        negate = False
        if text.startswith("^", self.pos):
            negate = True
            self.pos += 1
        ranges: list[tuple[int, int]] = []
        categories: list[str] = []
        not_categories: list[str] = []
        first = True
        while True:
            if self.pos >= len(text):
                raise self.error("missing closing ]")
            ch = text[self.pos]
            if ch == "]" and not first:
                self.pos += 1
                break
            first = False
            if text.startswith("[:", self.pos):
                end = text.find(":]", self.pos + 2)
                name = text[self.pos + 2:end] if end > 0 else ""
                posix_negate = name.startswith("^")
                if end > 0 and name.lstrip("^") in _POSIX:
                    self.pos = end + 2
                    members = _POSIX[name.lstrip("^")]
                    ranges.extend(_complement(members) if posix_negate else members)
                    continue
            if ch == "\\":
                self.pos += 1
                if self.pos >= len(text):
                    raise self.error("trailing backslash at end of expression")
                escaped = self._class_escape(flags)
                if escaped is not None:
                    if escaped.categories:
                        (categories if not escaped.negate else not_categories).extend(escaped.categories)
                    else:
                        ranges.extend(_complement(escaped.ranges) if escaped.negate else escaped.ranges)
                    continue
                low = self._char_escape()
            else:
                low = ord(ch)
                self.pos += 1
            high = low
            if text.startswith("-", self.pos) and self.pos + 1 < len(text) and text[self.pos + 1] != "]":
                self.pos += 1
                if text[self.pos] == "\\":
                    self.pos += 1
                    if self.pos >= len(text):
                        raise self.error("trailing backslash at end of expression")
                    high = self._char_escape()
                else:
                    high = ord(text[self.pos])
                    self.pos += 1
                if high < low:
                    raise self.error("invalid character class range")
            ranges.append((low, high))
        return CharTest(ranges=tuple(ranges), categories=tuple(categories),
                        not_categories=tuple(not_categories), negate=negate, fold=flags.fold)


def _complement(ranges: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    out = []
    start = 0
    for lo, hi in sorted(ranges):
        if lo > start:
            out.append((start, lo - 1))
        start = max(start, hi + 1)
    if start <= 0x10FFFF:
        out.append((start, 0x10FFFF))
    return tuple(out)


# ---------------------------------------------------------------------------
# Compiler
# ---------------------------------------------------------------------------


@value_class()
class Program(ValueObject):
    """A compiled pattern: parallel instruction arrays, the number of capture groups and
    their names (``names[i]`` is group ``i``'s name or "")."""

    ops: tuple[int, ...]
    args: tuple[Any, ...]
    targets: tuple[int, ...]  # second branch of a split, or a jump's target
    groups: int
    names: tuple[str, ...]


class _Compiler:
    def __init__(self) -> None:
        self.ops: list[int] = []
        self.args: list[Any] = []
        self.targets: list[int] = []

    def emit(self, op: int, arg: Any = None, target: int = -1) -> int:
        if len(self.ops) >= MAX_PROGRAM:
            raise PatternTooComplex(f"more than {MAX_PROGRAM} instructions")
        self.ops.append(op)
        self.args.append(arg)
        self.targets.append(target)
        return len(self.ops) - 1

    def patch(self, at: int, arg: Any = None, target: int = -1) -> None:
        self.args[at] = arg
        self.targets[at] = target

    def node(self, node: Any) -> None:
        # The tree is at most _MAX_NESTING deep (the parser's limit): recursion is bounded.
        if isinstance(node, _Char):
            self.emit(_CHAR, node.test)
        elif isinstance(node, _Assert):
            self.emit(_ASSERT, node.kind)
        elif isinstance(node, _Concat):
            for item in node.items:
                self.node(item)
        elif isinstance(node, _Group):
            if node.index:
                self.emit(_SAVE, 2 * node.index)
            self.node(node.node)
            if node.index:
                self.emit(_SAVE, 2 * node.index + 1)
        elif isinstance(node, _Alt):
            jumps = []
            for branch in node.branches[:-1]:
                split = self.emit(_SPLIT)
                self.node(branch)
                jumps.append(self.emit(_JMP))
                # preferred: the branch just written (split + 1); else the next split
                self.patch(split, split + 1, len(self.ops))
            self.node(node.branches[-1])
            for jump in jumps:
                self.patch(jump, None, len(self.ops))
        elif isinstance(node, _Repeat):
            self.repeat(node)
        else:  # pragma: no cover - the parser makes nothing else
            raise TypeError(type(node).__name__)

    def _split(self, at: int, body: int, out: int, greedy: bool) -> None:
        """A split at ``at`` preferring ``body`` when greedy, ``out`` when lazy."""
        self.patch(at, body if greedy else out, out if greedy else body)

    def repeat(self, node: _Repeat) -> None:
        for _ in range(node.low):
            self.node(node.node)
        if node.high is None:
            loop = self.emit(_SPLIT)
            self.node(node.node)
            self.emit(_JMP, None, loop)
            self._split(loop, loop + 1, len(self.ops), node.greedy)
            return
        pending: list[int] = []
        for _ in range(node.high - node.low):
            split = self.emit(_SPLIT)
            pending.append(split)
            self.node(node.node)
        end = len(self.ops)
        for split in pending:
            self._split(split, split + 1, end, node.greedy)


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> Program:
    """Parse and compile; ``RegexSyntaxError`` or ``PatternTooComplex`` when refused."""
    parser = _Parser(pattern)
    tree = parser.parse()
    compiler = _Compiler()
    compiler.emit(_SAVE, 0)
    compiler.node(tree)
    compiler.emit(_SAVE, 1)
    compiler.emit(_MATCH)
    names = [""] * (parser.groups + 1)
    for name, index in parser.names.items():
        names[index] = name
    return Program(tuple(compiler.ops), tuple(compiler.args), tuple(compiler.targets),
                   parser.groups, tuple(names))


# ---------------------------------------------------------------------------
# The Pike VM
# ---------------------------------------------------------------------------


def _is_word(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i] in _ASCII_WORD


def _holds(kind: int, text: str, pos: int) -> bool:
    if kind == _BEGIN_TEXT:
        return pos == 0
    if kind == _END_TEXT:
        return pos == len(text)
    if kind == _BEGIN_LINE:
        return pos == 0 or text[pos - 1] == "\n"
    if kind == _END_LINE:
        return pos == len(text) or text[pos] == "\n"
    boundary = _is_word(text, pos - 1) != _is_word(text, pos)
    return boundary if kind == _WORD else not boundary


def _add(program: Program, threads: list[tuple[int, tuple[int, ...]]], seen: set[int],
         pc: int, caps: tuple[int, ...], text: str, pos: int) -> None:
    """Add the thread at ``pc`` and everything it reaches without reading a character, in
    priority order; an instruction already reached in this step keeps its first thread."""
    ops, args, targets = program.ops, program.args, program.targets
    stack = [(pc, caps)]
    while stack:
        pc, caps = stack.pop()
        if pc in seen:
            continue
        seen.add(pc)
        op = ops[pc]
        if op == _JMP:
            stack.append((targets[pc], caps))
        elif op == _SPLIT:
            stack.append((targets[pc], caps))  # the other branch, after...
            stack.append((args[pc], caps))  # ...the preferred one
        elif op == _SAVE:
            slot = args[pc]
            stack.append((pc + 1, caps[:slot] + (pos,) + caps[slot + 1:]))
        elif op == _ASSERT:
            if _holds(args[pc], text, pos):
                stack.append((pc + 1, caps))
        else:
            threads.append((pc, caps))


def search(program: Program, text: str, start: int, budget: Budget) -> tuple[int, ...] | None:
    """The leftmost-first match at or after ``start``: capture positions (pairs, -1 for a
    group that did not take part), or None."""
    empty = (-1,) * (2 * (program.groups + 1))
    ops, args = program.ops, program.args
    threads: list[tuple[int, tuple[int, ...]]] = []
    _add(program, threads, set(), 0, empty, text, start)
    matched: tuple[int, ...] | None = None
    length = len(text)
    pos = start
    while True:
        budget.step(len(threads) + 1)
        following: list[tuple[int, tuple[int, ...]]] = []
        seen: set[int] = set()
        ch = text[pos] if pos < length else None
        for pc, caps in threads:
            op = ops[pc]
            if op == _MATCH:
                matched = caps
                break  # threads after this one have lower priority: cut
            if ch is not None and args[pc].matches(ch):
                _add(program, following, seen, pc + 1, caps, text, pos + 1)
        if ch is None:
            return matched
        pos += 1
        if matched is None:
            _add(program, following, seen, 0, empty, text, pos)  # a later start, lowest priority
        elif not following:
            return matched
        threads = following


def find_all(program: Program, text: str, budget: Budget) -> list[tuple[int, ...]]:
    """Successive non-overlapping matches as Go's ``FindAll...`` finds them (an empty
    match right after a previous match is skipped)."""
    out = []
    pos, previous_end = 0, -1
    while pos <= len(text):
        match = search(program, text, pos, budget)
        if match is None:
            break
        accept = True
        if match[1] == pos:
            if match[0] == previous_end:
                accept = False
            pos += 1
        else:
            pos = match[1]
        previous_end = match[1]
        if accept:
            out.append(match)
    return out


def replace_all(program: Program, text: str, template: str, budget: Budget) -> str:
    """Go's ``ReplaceAllString``: ``$1``, ``${1}``, ``$name``, ``${name}`` and ``$$`` in
    ``template`` expand as ``Regexp.Expand`` does."""
    pieces: list[str] = []
    last_end = 0
    search_pos = 0
    while search_pos <= len(text):
        match = search(program, text, search_pos, budget)
        if match is None:
            break
        pieces.append(text[last_end:match[0]])
        if match[1] > last_end or match[0] == 0:
            expanded = _expand(program, template, text, match)
            budget.charge_strings(len(expanded) + match[0] - last_end)
            pieces.append(expanded)
        last_end = match[1]
        search_pos = search_pos + 1 if search_pos + 1 > match[1] else match[1]
    pieces.append(text[last_end:])
    return "".join(pieces)


def _expand(program: Program, template: str, text: str, match: tuple[int, ...]) -> str:
    out: list[str] = []
    i = 0
    while i < len(template):
        dollar = template.find("$", i)
        if dollar < 0:
            out.append(template[i:])
            break
        out.append(template[i:dollar])
        i = dollar + 1
        if template.startswith("$", i):
            out.append("$")
            i += 1
            continue
        braced = template.startswith("{", i)
        j = i + 1 if braced else i
        k = j
        while k < len(template) and (template[k].isalnum() and template[k].isascii() or template[k] == "_"):
            k += 1
        name = template[j:k]
        if not name or (braced and not template.startswith("}", k)):
            out.append("$")  # malformed: the $ is text
            continue
        i = k + 1 if braced else k
        out.append(group_text(program, text, match, name))
    return "".join(out)


def group_text(program: Program, text: str, match: tuple[int, ...], name: str) -> str:
    """The text group ``name`` (a number or a name) captured ("" when it did not take part
    or does not exist)."""
    if name.isdigit():
        index = int(name) if len(name) < 6 else -1
    else:
        index = program.names.index(name) if name in program.names else -1
    if not 0 <= index <= program.groups:
        return ""
    start, end = match[2 * index], match[2 * index + 1]
    return text[start:end] if start >= 0 and end >= 0 else ""
