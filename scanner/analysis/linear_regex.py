"""A regular-expression search that cannot backtrack, for CloudWatch Logs filter regexes.

A metric filter's ``%regex%`` is text from the scanned template. Python's ``re`` backtracks,
so a pattern such as ``\\w*\\w*\\w*\\w*!`` costs time exponential in the length of the
event string it is tried on: one filter could hang the scan. CloudWatch Logs regexes have no
parentheses (the service rejects them), so every pattern is an alternation of sequences of
*items*: one character test (a literal, a class, ``.``) with a quantifier, or a zero-width
anchor. Such a sequence is a linear automaton, and a linear automaton can be simulated
bit-parallel, all states at once ("Shift-And" with optional and repeated positions): the
cost is proportional to ``len(text) × positions / word size`` for every pattern, and the
number of positions is capped (``MAX_POSITIONS``), so no pattern costs more than that.

Syntax and meaning are those of Python's ``re`` for a pattern without parentheses and without
flags (what the scanner used before), so verdicts do not change: literals and escapes
(``\\x41``, ``\\u00e9``, ``\\N{...}``, octal), classes ``[...]``/``[^...]`` with ranges and
``\\d \\D \\s \\S \\w \\W`` (Unicode), ``.`` (anything but a newline), the quantifiers
``* + ? {m} {m,} {,n} {m,n}`` with an optional lazy ``?`` (laziness cannot change *whether*
a match exists), ``|``, and the anchors ``^ $ \\A \\Z \\b \\B``. A ``{`` that does not start a
valid quantifier is a literal, as in Python. Rejected, with a ``RegexError`` at the offending
offset: whatever Python rejects, and possessive quantifiers (``a*+``), which this automaton
cannot express.
"""

from __future__ import annotations

import unicodedata
from dataclasses import field
from functools import lru_cache

from scanner.valueclass import ValueObject, value_class

# Positions of the automaton (one per character test or anchor, after ``{m,n}`` is
# unrolled). A pattern needing more is refused: its cost would no longer be bounded.
MAX_POSITIONS = 10_000
# Python's own limit on a repetition count (``_sre.MAXREPEAT``).
_MAXREPEAT = 4_294_967_295

_DIGITS = frozenset("0123456789")
_OCTDIGITS = frozenset("01234567")
_HEXDIGITS = frozenset("0123456789abcdefABCDEF")
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SPECIAL = frozenset(".\\[{()*+?^$|")
_SIMPLE_ESCAPES = {"a": "\a", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
_CATEGORY_ESCAPES = frozenset("dDsSwW")

# Anchor kinds.
BEGIN = "begin"  # ^ and \A (no MULTILINE flag: both mean the start of the string)
END = "end"  # $: the end, or just before a newline that ends the string
END_STRING = "end-string"  # \Z
BOUNDARY = "boundary"  # \b
NON_BOUNDARY = "non-boundary"  # \B
_ANCHOR_ESCAPES = {"A": BEGIN, "Z": END_STRING, "b": BOUNDARY, "B": NON_BOUNDARY}


class RegexError(ValueError):
    """A pattern that is not a valid (or not a supported) regex; ``position`` is a 0-based
    offset into the pattern."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at position {position}")
        self.message = message
        self.position = position


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _in_category(category: str, ch: str) -> bool:
    """``\\d``, ``\\s``, ``\\w`` and their negations, with ``re``'s Unicode meaning."""
    lower = category.lower()
    if lower == "d":
        hit = ch.isdecimal()
    elif lower == "s":
        hit = ch.isspace()
    else:
        hit = _is_word(ch)
    return hit if category.islower() else not hit


@value_class()
class CharSet(ValueObject):
    """One character test: literal characters, code-point ranges and categories."""

    chars: frozenset[str] = frozenset()
    ranges: tuple[tuple[int, int], ...] = ()
    categories: tuple[str, ...] = ()
    negate: bool = False

    def contains(self, ch: str) -> bool:
        hit = (
            ch in self.chars
            or any(lo <= ord(ch) <= hi for lo, hi in self.ranges)
            or any(_in_category(c, ch) for c in self.categories)
        )
        return hit != self.negate


ANY_BUT_NEWLINE = CharSet(chars=frozenset("\n"), negate=True)


@value_class()
class Repeat(ValueObject):
    """A character test repeated ``low``..``high`` times (``high`` None: unbounded)."""

    test: CharSet
    low: int
    high: int | None


@value_class()
class Anchor(ValueObject):
    kind: str


Item = Repeat | Anchor


@value_class()
class _Category(ValueObject):
    """``\\d``-style member of a character class (it cannot end a range)."""

    letter: str


# ---------------------------------------------------------------------------
# Parser (mirrors re._parser for the parenthesis-free subset)
# ---------------------------------------------------------------------------


class _Parser:
    """Tokens are single characters or backslash pairs, exactly as ``re`` reads them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.index = 0
        self.next: str | None = None
        self._advance()

    # -- tokenizer -------------------------------------------------------
    def _advance(self) -> None:
        if self.index >= len(self.text):
            self.next = None
            return
        char = self.text[self.index]
        if char == "\\":
            if self.index + 1 >= len(self.text):
                raise RegexError("bad escape (end of pattern)", len(self.text) - 1)
            char += self.text[self.index + 1]
        self.index += len(char)
        self.next = char

    def tell(self) -> int:
        return self.index - len(self.next or "")

    def seek(self, index: int) -> None:
        self.index = index
        self._advance()

    def get(self) -> str | None:
        token = self.next
        self._advance()
        return token

    def match(self, token: str) -> bool:
        if self.next == token:
            self._advance()
            return True
        return False

    def get_while(self, count: int, allowed: frozenset[str]) -> str:
        out = ""
        for _ in range(count):
            if self.next is None or self.next not in allowed:
                break
            out += self.next
            self._advance()
        return out

    def error(self, message: str, back: int = 0) -> RegexError:
        return RegexError(message, self.tell() - back)

    # -- grammar ---------------------------------------------------------
    def parse(self) -> list[list[Item]]:
        branches = [self.sequence()]
        while self.match("|"):
            branches.append(self.sequence())
        if self.next is not None:  # only ")" stops a sequence early
            raise self.error("unbalanced parenthesis")
        return branches

    def sequence(self) -> list[Item]:
        items: list[Item] = []
        # Whether the last item carries a quantifier ("multiple repeat" otherwise).
        repeated = False
        while self.next is not None and self.next not in ("|", ")"):
            token = self.get()
            assert token is not None
            if token[0] == "\\":
                items.append(self.escape(token))
                repeated = False
            elif token not in _SPECIAL:
                items.append(Repeat(CharSet(chars=frozenset(token)), 1, 1))
                repeated = False
            elif token == "[":
                items.append(Repeat(self.char_class(), 1, 1))
                repeated = False
            elif token == ".":
                items.append(Repeat(ANY_BUT_NEWLINE, 1, 1))
                repeated = False
            elif token == "^":
                items.append(Anchor(BEGIN))
                repeated = False
            elif token == "$":
                items.append(Anchor(END))
                repeated = False
            elif token == "(":
                raise self.error("parentheses are not supported", 1)
            else:  # one of * + ? {
                bounds = self.quantifier(token)
                if bounds is None:  # a "{" that is not a quantifier is a literal
                    items.append(Repeat(CharSet(chars=frozenset("{")), 1, 1))
                    repeated = False
                    continue
                here, low, high = bounds
                if not items or isinstance(items[-1], Anchor):
                    raise self.error("nothing to repeat", self.tell() - here + len(token))
                if repeated:
                    raise self.error("multiple repeat", self.tell() - here + len(token))
                if self.match("+"):
                    raise self.error("possessive quantifiers are not supported", 1)
                self.match("?")  # lazy: the same matches exist
                previous = items[-1]
                assert isinstance(previous, Repeat)
                items[-1] = Repeat(previous.test, low, high)
                repeated = True
        return items

    def quantifier(self, token: str) -> tuple[int, int, int | None] | None:
        """``(offset after the token, low, high)``, or None for a literal ``{``."""
        here = self.tell()
        if token == "?":
            return here, 0, 1
        if token == "*":
            return here, 0, None
        if token == "+":
            return here, 1, None
        if self.next == "}":
            return None
        lo = hi = ""
        while self.next is not None and self.next in _DIGITS:
            lo += self.get() or ""
        if self.match(","):
            while self.next is not None and self.next in _DIGITS:
                hi += self.get() or ""
        else:
            hi = lo
        if not self.match("}"):
            self.seek(here)
            return None
        low, high = 0, None
        if lo:
            low = int(lo)
            if low >= _MAXREPEAT:
                raise RegexError("the repetition number is too large", here)
        if hi:
            high = int(hi)
            if high >= _MAXREPEAT:
                raise RegexError("the repetition number is too large", here)
            if high < low:
                raise self.error("min repeat greater than max repeat", self.tell() - here)
        return here, low, high

    def escape(self, token: str) -> Item:
        letter = token[1]
        if letter in _ANCHOR_ESCAPES:
            return Anchor(_ANCHOR_ESCAPES[letter])
        if letter in _CATEGORY_ESCAPES:
            return Repeat(CharSet(categories=(letter,)), 1, 1)
        if letter in _SIMPLE_ESCAPES:
            return self._literal(_SIMPLE_ESCAPES[letter])
        if letter in "xuUN0":
            return self._literal(self.code_point(token))
        if letter in _DIGITS:
            escape = token
            if self.next is not None and self.next in _DIGITS:
                escape += self.get() or ""
                if escape[1] in _OCTDIGITS and escape[2] in _OCTDIGITS and (
                    self.next is not None and self.next in _OCTDIGITS
                ):
                    escape += self.get() or ""
                    value = int(escape[1:], 8)
                    if value > 0o377:
                        raise self.error(
                            f"octal escape value {escape} outside of range 0-0o377", len(escape)
                        )
                    return self._literal(chr(value))
            group = int(escape[1:])
            raise self.error(f"invalid group reference {group}", len(escape) - 1)
        if letter in _ASCII_LETTERS:
            raise self.error(f"bad escape {token}", len(token))
        return self._literal(letter)

    @staticmethod
    def _literal(ch: str) -> Repeat:
        return Repeat(CharSet(chars=frozenset(ch)), 1, 1)

    def code_point(self, token: str) -> str:
        """``\\xHH``, ``\\uHHHH``, ``\\UHHHHHHHH``, ``\\N{NAME}`` and octal escapes."""
        letter = token[1]
        if letter in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[letter]
            escape = token + self.get_while(width, _HEXDIGITS)
            if len(escape) != width + 2:
                raise self.error(f"incomplete escape {escape}", len(escape))
            value = int(escape[2:], 16)
            if value > 0x10FFFF:
                raise self.error(f"bad escape {escape}", len(escape))
            return chr(value)
        if letter == "N":
            if not self.match("{"):
                raise self.error("missing {")
            name = self.until_brace()
            try:
                return unicodedata.lookup(name)
            except KeyError:
                raise self.error(
                    f"undefined character name {name!r}", len(name) + len("\\N{}")
                ) from None
        # "0": up to two more octal digits, in or out of a class.
        escape = token + self.get_while(2, _OCTDIGITS)
        return chr(int(escape[1:], 8))

    def until_brace(self) -> str:
        name = ""
        while True:
            token = self.get()
            if token is None:
                if not name:
                    raise self.error("missing character name")
                raise self.error("missing }, unterminated name", len(name))
            if token == "}":
                if not name:
                    raise self.error("missing character name", 1)
                return name
            name += token

    def char_class(self) -> CharSet:
        here = self.tell() - 1
        negate = self.match("^")
        chars: set[str] = set()
        ranges: list[tuple[int, int]] = []
        categories: list[str] = []
        empty = True
        while True:
            token = self.get()
            if token is None:
                raise self.error("unterminated character set", self.tell() - here)
            if token == "]" and not empty:
                break
            first = self.class_escape(token) if token[0] == "\\" else token
            if self.match("-"):
                other = self.get()
                if other is None:
                    raise self.error("unterminated character set", self.tell() - here)
                if other == "]":
                    self._add(first, chars, categories)
                    chars.add("-")
                    break
                second = self.class_escape(other) if other[0] == "\\" else other
                bad = f"bad character range {token}-{other}"
                if isinstance(first, _Category) or isinstance(second, _Category):
                    raise self.error(bad, len(token) + 1 + len(other))
                if ord(second) < ord(first):
                    raise self.error(bad, len(token) + 1 + len(other))
                ranges.append((ord(first), ord(second)))
            else:
                self._add(first, chars, categories)
            empty = False
        return CharSet(frozenset(chars), tuple(ranges), tuple(categories), negate)

    @staticmethod
    def _add(member: str | _Category, chars: set[str], categories: list[str]) -> None:
        if isinstance(member, _Category):
            categories.append(member.letter)
        else:
            chars.add(member)

    def class_escape(self, token: str) -> str | _Category:
        """What an escape stands for inside ``[...]``: one character, or a category
        (``\\b`` is a backspace here)."""
        letter = token[1]
        if letter in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[letter]
        if letter == "b":
            return "\b"
        if letter in _CATEGORY_ESCAPES:
            return _Category(letter)
        if letter in "xuUN":
            return self.code_point(token)
        if letter in _OCTDIGITS:
            escape = token + self.get_while(2, _OCTDIGITS)
            value = int(escape[1:], 8)
            if value > 0o377:
                raise self.error(f"octal escape value {escape} outside of range 0-0o377", len(escape))
            return chr(value)
        if letter in _DIGITS or letter in _ASCII_LETTERS:
            raise self.error(f"bad escape {token}", len(token))
        return letter


def parse(pattern: str) -> list[list[Item]]:
    """The alternatives of ``pattern``, each a list of items; raises ``RegexError`` only."""
    return _Parser(pattern).parse()


# ---------------------------------------------------------------------------
# Automaton
# ---------------------------------------------------------------------------


@value_class(frozen=False)
class Program(ValueObject):
    """The bit-parallel automaton of one pattern.

    Each alternative owns a run of bits: a start bit, then one bit per position (state
    ``k`` = the first ``k`` positions passed), the last bit being its accepting state. A
    character moves state ``k`` to ``k + 1`` when position ``k`` tests it; a repeated
    position also keeps its state; an optional position or a satisfied anchor lets state
    ``k`` reach ``k + 1`` without a character (the epsilon closure, done with one addition:
    the carry runs through every chain of such positions at once).
    """

    start: int = 0
    accept: int = 0
    optional: int = 0
    loop: int = 0  # bit k + 1 for a repeated position k
    anchors: dict[str, int] = field(default_factory=dict)
    tests: list[tuple[CharSet, int]] = field(default_factory=list)  # test -> bits k
    _masks: dict[str, int] = field(default_factory=dict)

    def _mask(self, ch: str) -> int:
        mask = self._masks.get(ch)
        if mask is None:
            mask = 0
            for test, bits in self.tests:
                if test.contains(ch):
                    mask |= bits
            if len(self._masks) < 4096:
                self._masks[ch] = mask
        return mask

    def _epsilon(self, text: str, index: int) -> int:
        """Epsilon edges open at ``index``: optional positions and satisfied anchors."""
        edges = self.optional
        if not self.anchors:
            return edges
        size = len(text)
        if index == 0:
            edges |= self.anchors.get(BEGIN, 0)
        if index == size:
            edges |= self.anchors.get(END_STRING, 0) | self.anchors.get(END, 0)
        elif index == size - 1 and text[index] == "\n":
            edges |= self.anchors.get(END, 0)
        if size and (BOUNDARY in self.anchors or NON_BOUNDARY in self.anchors):
            before = index > 0 and _is_word(text[index - 1])
            after = index < size and _is_word(text[index])
            edges |= self.anchors.get(BOUNDARY if before != after else NON_BOUNDARY, 0)
        return edges

    @staticmethod
    def _close(states: int, edges: int) -> int:
        # From every active state, the carry of ``+ edges`` runs up a chain of open edges
        # and stops one past its end: exactly the states reachable without a character.
        return states | (((states & edges) + edges) ^ edges)

    def search(self, text: str) -> bool:
        """Whether the pattern matches anywhere in ``text`` (``re.search`` is not None)."""
        states = self._close(self.start, self._epsilon(text, 0))
        if states & self.accept:
            return True
        for index, ch in enumerate(text):
            mask = self._mask(ch)
            moved = ((states & mask) << 1) | (states & self.loop & (mask << 1))
            states = self._close(moved | self.start, self._epsilon(text, index + 1))
            if states & self.accept:
                return True
        return False


def _build(branches: list[list[Item]]) -> Program:
    program = Program()
    by_test: dict[CharSet, int] = {}
    bit = 0
    for items in branches:
        program.start |= 1 << bit
        for item in items:
            if isinstance(item, Anchor):
                program.anchors[item.kind] = program.anchors.get(item.kind, 0) | (1 << bit)
                bit += 1
                continue
            # x{m,n}: m copies, then n - m optional ones; x{m,}: max(m, 1) copies, the
            # state after the last one repeats it (x* = one optional repeated copy).
            copies = max(item.low, 1) if item.high is None else item.high
            if bit + copies + 1 > MAX_POSITIONS:
                raise RegexError(
                    f"the pattern is too large to evaluate (more than {MAX_POSITIONS} positions "
                    "once repetitions are unrolled)",
                    0,
                )
            for index in range(copies):
                by_test[item.test] = by_test.get(item.test, 0) | (1 << bit)
                if index >= item.low:
                    program.optional |= 1 << bit
                bit += 1
            if item.high is None:
                program.loop |= 1 << bit
        program.accept |= 1 << bit
        bit += 1
    program.tests = list(by_test.items())
    return program


@lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> Program:
    """Parse and build once per distinct pattern; raises ``RegexError``."""
    return _build(parse(pattern))


def search(pattern: str, text: str) -> bool:
    """``re.search(pattern, text) is not None`` for the supported subset, in linear time."""
    return compile_pattern(pattern).search(text)
