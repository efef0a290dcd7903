"""CloudWatch Logs metric-filter patterns: a parser and a three-valued matcher.

The monitoring policies must decide whether a filter *semantically* matches a CloudTrail
event (reordered clauses, other quoting, extra parentheses and several filters must all
work), so patterns are parsed into a tree and evaluated against sample CloudTrail records.

Grammar recognised (CloudWatch Logs User Guide, "Filter pattern syntax for metric
filters"):

* ``""`` (or only blanks): matches every event.
* JSON form ``{ EXPR }``: ``||`` binds weaker than ``&&`` ("() > && > ||"), parentheses,
  ``!( EXPR )`` negation, comparisons ``SELECTOR OP VALUE`` with OP one of
  ``= != < > <= >=``, and ``SELECTOR IS NULL|TRUE|FALSE``, ``SELECTOR NOT EXISTS``.
  Selectors: ``$.a.b``, ``$.a[0].b``; property names are letters, digits, ``-`` and ``_``.
  Values: ``"quoted"`` (backslash escapes), unquoted words, numbers, ``%regex%`` (matched by
  ``scanner.analysis.linear_regex``, which cannot backtrack: never by ``re``).
* Space-delimited form ``[a, b = x, ...]``: recognised, never evaluated (``None``):
  CloudTrail delivers JSON to CloudWatch Logs.
* Term form ``ERROR "exact phrase" ?A ?B -C``, and a bare ``%regex%``.

Evaluation follows the documentation, and where it is silent the answer is ``None``:

* ``=`` on strings is an exact, case-sensitive match; a ``*`` at the start and/or end of the
  value is a wildcard. The guide says an infix star is literal ("``Ev*ent`` will only match
  the actual string ``Ev*ent``"), so where the literal and the wildcard reading disagree
  (``Delete*SecurityGroup`` against ``DeleteDBSecurityGroup``) the answer is ``None``.
* "The SELECTOR must point to a value node (string or number) in the JSON. If it points
  to an array or object, the filter will not be applied" -- both ``{$.users = 1}`` and
  ``{$.users != 1}`` fail on an array. We apply the same rule to a selector whose property
  is absent: ``=`` and ``!=`` (and the numeric operators) are then *false*; only
  ``NOT EXISTS`` is true for an absent property. ``!=`` on a present string value is the
  negation of ``=``.
* ``IS NULL`` is true only for a JSON null, ``IS TRUE``/``IS FALSE`` only for booleans.
* Numeric comparisons need a JSON number; a numeric string gives ``None``.
* Term patterns are matched against the raw event text, which holds more than a sample
  record: a term found in a sample's keys or string values is a sure match, a term not
  found is ``None`` (never a sure miss), an excluded (``-term``) term found is a sure miss.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping

from scanner.analysis import linear_regex
from scanner.analysis.wildcards import star_fullmatch
from scanner.tri import Tri, all_of, any_of, negate
from scanner.valueclass import ValueObject, value_class

MAX_PATTERN_LENGTH = 10_000
MAX_DEPTH = 64


class FilterPatternError(ValueError):
    """A pattern that does not parse; ``position`` is a 0-based offset into the pattern."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at position {position})")
        self.message = message
        self.position = position


# ---------------------------------------------------------------------------
# Nodes
# ---------------------------------------------------------------------------


@value_class()
class MatchAll(ValueObject):
    """The empty pattern."""


@value_class()
class And(ValueObject):
    operands: tuple[Node, ...]


@value_class()
class Or(ValueObject):
    operands: tuple[Node, ...]


@value_class()
class Not(ValueObject):
    operand: Node


@value_class()
class Selector(ValueObject):
    text: str  # as written, e.g. "$.userIdentity.type"
    path: tuple[str | int, ...]


@value_class()
class Value(ValueObject):
    """A comparison operand. ``kind`` is ``string``, ``number`` or ``regex``."""

    kind: str
    text: str
    quoted: bool = False
    number: float | None = None


@value_class()
class Compare(ValueObject):
    selector: Selector
    op: str  # = != < > <= >=
    value: Value


@value_class()
class IsValue(ValueObject):
    selector: Selector
    what: str  # NULL | TRUE | FALSE


@value_class()
class NotExists(ValueObject):
    selector: Selector


@value_class()
class Terms(ValueObject):
    """Term form: every ``required`` term, any ``optional`` term, no ``excluded`` term."""

    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    regexes: tuple[str, ...] = ()


@value_class()
class Delimited(ValueObject):
    """Space-delimited form ``[...]``; kept as text."""

    text: str


Node = MatchAll | And | Or | Not | Compare | IsValue | NotExists | Terms | Delimited


# ---------------------------------------------------------------------------
# Parser
# ---------------------------------------------------------------------------

_NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_PROP_RE = re.compile(r"[A-Za-z0-9_\-]+")
_UNQUOTED_STOP = set(' \t\r\n(){}&|"!=<>%')


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0

    # -- low level -------------------------------------------------------
    def error(self, message: str, position: int | None = None) -> FilterPatternError:
        return FilterPatternError(message, self.pos if position is None else position)

    def skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self, s: str) -> bool:
        return self.text.startswith(s, self.pos)

    def eat(self, s: str) -> bool:
        if self.peek(s):
            self.pos += len(s)
            return True
        return False

    def keyword(self, word: str) -> bool:
        end = self.pos + len(word)
        if self.text[self.pos : end].upper() == word and (
            end >= len(self.text) or not (self.text[end].isalnum() or self.text[end] == "_")
        ):
            self.pos = end
            return True
        return False

    # -- JSON form -------------------------------------------------------
    def parse_json(self) -> Node:
        start = self.pos
        self.pos += 1  # "{"
        node = self.parse_or()
        self.skip_ws()
        if not self.eat("}"):
            if self.pos >= len(self.text):
                raise self.error(f"missing '}}' to close the '{{' at position {start}")
            raise self.error(f"unexpected {self.text[self.pos]!r}; expected '&&', '||' or '}}'")
        self.skip_ws()
        if self.pos != len(self.text):
            raise self.error("unexpected text after the closing '}'")
        return node

    def parse_or(self) -> Node:
        operands = [self.parse_and()]
        while True:
            self.skip_ws()
            if self.eat("||"):
                operands.append(self.parse_and())
            else:
                return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def parse_and(self) -> Node:
        operands = [self.parse_unary()]
        while True:
            self.skip_ws()
            if self.eat("&&"):
                operands.append(self.parse_unary())
            else:
                return operands[0] if len(operands) == 1 else And(tuple(operands))

    def parse_unary(self) -> Node:
        self.skip_ws()
        if self.peek("!") and not self.peek("!="):
            bang = self.pos
            self.pos += 1
            self.skip_ws()
            if not self.peek("("):
                raise self.error("'!' must be followed by a parenthesised expression", bang)
            return Not(self.parse_primary())
        return self.parse_primary()

    def parse_primary(self) -> Node:
        self.skip_ws()
        if self.peek("("):
            open_pos = self.pos
            self.pos += 1
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.error(f"parentheses nested deeper than {MAX_DEPTH}")
            node = self.parse_or()
            self.skip_ws()
            if not self.eat(")"):
                if self.pos >= len(self.text):
                    raise self.error(f"missing ')' for the '(' at position {open_pos}")
                raise self.error(f"unexpected {self.text[self.pos]!r}; expected ')'")
            self.depth -= 1
            return node
        if self.peek("$"):
            return self.parse_comparison()
        if self.pos >= len(self.text):
            raise self.error("unexpected end of pattern; expected a selector such as $.eventName")
        raise self.error(f"unexpected {self.text[self.pos]!r}; expected a selector such as $.eventName")

    def parse_selector(self) -> Selector:
        start = self.pos
        self.pos += 1  # "$"
        path: list[str | int] = []
        while True:
            if self.eat("."):
                m = _PROP_RE.match(self.text, self.pos)
                if m is None:
                    raise self.error("expected a property name after '.'")
                path.append(m.group(0))
                self.pos = m.end()
            elif self.peek("["):
                self.pos += 1
                m = re.compile(r"\d+").match(self.text, self.pos)
                if m is None:
                    raise self.error("expected an array index such as [0]")
                self.pos = m.end()
                if not self.eat("]"):
                    raise self.error("expected ']' after the array index")
                path.append(int(m.group(0)))
            else:
                break
        if not path:
            raise self.error("a selector needs a property, e.g. $.eventName", start)
        return Selector(self.text[start : self.pos], tuple(path))

    def parse_comparison(self) -> Node:
        selector = self.parse_selector()
        self.skip_ws()
        if self.keyword("IS"):
            self.skip_ws()
            for what in ("NULL", "TRUE", "FALSE"):
                if self.keyword(what):
                    return IsValue(selector, what)
            raise self.error("expected NULL, TRUE or FALSE after IS")
        if self.keyword("NOT"):
            self.skip_ws()
            if self.keyword("EXISTS"):
                return NotExists(selector)
            raise self.error("expected EXISTS after NOT")
        for op in ("!=", "<=", ">=", "=", "<", ">"):
            if self.eat(op):
                break
        else:
            raise self.error(
                f"expected an operator (=, !=, <, >, <=, >=, IS, NOT EXISTS) after {selector.text}"
            )
        self.skip_ws()
        value_start = self.pos
        value = self.parse_value()
        if op in ("<", ">", "<=", ">=") and value.kind != "number":
            raise self.error(f"operator {op} needs a number", value_start)
        return Compare(selector, op, value)

    def parse_value(self) -> Value:
        if self.pos >= len(self.text):
            raise self.error("expected a value")
        start = self.pos
        ch = self.text[self.pos]
        if ch == '"':
            return Value("string", self.parse_quoted(), quoted=True)
        if ch == "%":
            return Value("regex", self.parse_regex())
        while self.pos < len(self.text) and self.text[self.pos] not in _UNQUOTED_STOP:
            self.pos += 1
        text = self.text[start : self.pos]
        if not text:
            raise self.error(f"unexpected {ch!r}; expected a value")
        if _NUMBER_RE.fullmatch(text):
            number = float(text)
            if math.isfinite(number):
                return Value("number", text, number=number)
        return Value("string", text)

    def parse_quoted(self) -> str:
        start = self.pos
        self.pos += 1
        out: list[str] = []
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch == "\\" and self.pos + 1 < len(self.text):
                out.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            if ch == '"':
                self.pos += 1
                return "".join(out)
            out.append(ch)
            self.pos += 1
        raise self.error("unterminated quoted string", start)

    def parse_regex(self) -> str:
        start = self.pos
        end = self.text.find("%", self.pos + 1)
        if end < 0:
            raise self.error("unterminated regular expression (missing closing '%')", start)
        body = self.text[self.pos + 1 : end]
        if not body:
            raise self.error("empty regular expression", start)
        if "(" in body or ")" in body:
            raise self.error("parentheses are not supported in filter-pattern regexes", start)
        try:
            linear_regex.compile_pattern(body)
        except linear_regex.RegexError as exc:
            raise self.error(f"invalid regular expression: {exc}", start) from None
        self.pos = end + 1
        return body

    # -- other forms -----------------------------------------------------
    def parse_terms(self) -> Terms:
        required: list[str] = []
        optional: list[str] = []
        excluded: list[str] = []
        regexes: list[str] = []
        while True:
            self.skip_ws()
            if self.pos >= len(self.text):
                break
            prefix = ""
            if self.text[self.pos] in "?-":
                prefix = self.text[self.pos]
                self.pos += 1
            if self.pos >= len(self.text) or self.text[self.pos].isspace():
                raise self.error(f"expected a term after {prefix!r}")
            ch = self.text[self.pos]
            if ch == '"':
                term = self.parse_quoted()
            elif ch == "%":
                regexes.append(self.parse_regex())
                continue
            else:
                start = self.pos
                while self.pos < len(self.text) and not self.text[self.pos].isspace():
                    if self.text[self.pos] in '"{}[]':
                        raise self.error(f"unexpected {self.text[self.pos]!r} in a term")
                    self.pos += 1
                term = self.text[start : self.pos]
            {"": required, "?": optional, "-": excluded}[prefix].append(term)
        return Terms(tuple(required), tuple(optional), tuple(excluded), tuple(regexes))

    def parse_delimited(self) -> Delimited:
        start = self.pos
        depth = 0
        in_quote = False
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if in_quote:
                if ch == "\\":
                    self.pos += 1
                elif ch == '"':
                    in_quote = False
            elif ch == '"':
                in_quote = True
            elif ch == "[":
                depth += 1
            elif ch == "]":
                depth -= 1
                if depth == 0:
                    self.pos += 1
                    self.skip_ws()
                    if self.pos != len(self.text):
                        raise self.error("unexpected text after the closing ']'")
                    return Delimited(self.text[start:].strip())
            self.pos += 1
        raise self.error(f"missing ']' to close the '[' at position {start}")


def parse(pattern: str) -> Node:
    """Parse a metric-filter pattern; raises ``FilterPatternError`` only."""
    if not isinstance(pattern, str):
        raise FilterPatternError("the pattern is not a string", 0)
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise FilterPatternError(f"pattern longer than {MAX_PATTERN_LENGTH} characters", 0)
    parser = _Parser(pattern)
    parser.skip_ws()
    if parser.pos >= len(pattern):
        return MatchAll()
    first = pattern[parser.pos]
    if first == "{":
        return parser.parse_json()
    if first == "[":
        return parser.parse_delimited()
    return parser.parse_terms()


# ---------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------

_MISSING = object()


def _lookup(event: object, path: tuple[str | int, ...]) -> object:
    current = event
    for step in path:
        if isinstance(step, int):
            if not isinstance(current, list) or step >= len(current):
                return _MISSING
            current = current[step]
        else:
            if not isinstance(current, Mapping) or step not in current:
                return _MISSING
            current = current[step]
    return current


def _string_equals(pattern: str, value: str) -> Tri:
    if "*" not in pattern:
        return pattern == value
    # Documented wildcards: a star at the start and/or the end.
    lead = pattern.startswith("*")
    trail = pattern.endswith("*") and len(pattern) > 1
    core = pattern[1 if lead else 0 : len(pattern) - 1 if trail else len(pattern)]
    if "*" not in core:
        if lead and trail:
            return core in value
        if lead:
            return value.endswith(core)
        if trail:
            return value.startswith(core)
    # An infix star: literal per the guide; unknown where a wildcard reading differs.
    documented = _string_equals_edges(lead, trail, core, value)
    as_glob = star_fullmatch(pattern.split("*"), value)
    return documented if documented == as_glob else None


def _string_equals_edges(lead: bool, trail: bool, core: str, value: str) -> bool:
    if lead and trail:
        return core in value
    if lead:
        return value.endswith(core)
    if trail:
        return value.startswith(core)
    return core == value


def _compare(node: Compare, event: Mapping[str, object]) -> Tri:
    found = _lookup(event, node.selector.path)
    if found is _MISSING or isinstance(found, Mapping | list):
        return False
    op, value = node.op, node.value
    if op in ("<", ">", "<=", ">="):
        if isinstance(found, bool) or found is None:
            return False
        if isinstance(found, int | float):
            assert value.number is not None
            a, b = float(found), value.number
            return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
        if isinstance(found, str) and _NUMBER_RE.fullmatch(found.strip()):
            return None
        return False
    equal = _equals(value, found)
    if op == "=":
        return equal
    return None if equal is None else not equal


def _equals(value: Value, found: object) -> Tri:
    if found is None or isinstance(found, bool):
        return None  # null and booleans are tested with IS NULL / IS TRUE; = is undocumented
    if value.kind == "regex":
        if not isinstance(found, str):
            return None
        return linear_regex.search(value.text, found)
    if value.kind == "number":
        if isinstance(found, int | float):
            return float(found) == value.number
        return found == value.text if isinstance(found, str) else None
    if isinstance(found, str):
        return _string_equals(value.text, found)
    if isinstance(found, int | float):
        if value.text == "*":
            return True
        return None
    return None


def _strings(event: object) -> Iterator[str]:
    if isinstance(event, Mapping):
        for k, v in event.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(event, list):
        for v in event:
            yield from _strings(v)
    elif isinstance(event, str):
        yield event
    elif isinstance(event, bool) or event is None:
        yield "true" if event is True else "false" if event is False else "null"
    elif isinstance(event, int | float):
        yield repr(event)


def _safe_term(term: str) -> bool:
    """Text that appears verbatim in JSON: printable ASCII without quote, backslash, slash."""
    return bool(term) and all(" " <= c <= "~" and c not in '"\\/' for c in term)


def _term_found(term: str, texts: list[str]) -> bool:
    return _safe_term(term) and any(term in t for t in texts)


def _terms(node: Terms, event: Mapping[str, object]) -> Tri:
    texts = list(_strings(event))
    parts: list[Tri] = []
    for term in node.required:
        parts.append(True if _term_found(term, texts) else None)
    for regex in node.regexes:
        parts.append(True if any(linear_regex.search(regex, t) for t in texts) else None)
    if node.optional:
        if node.required:
            return None  # how ?terms combine with plain terms is not documented
        parts.append(True if any(_term_found(t, texts) for t in node.optional) else None)
    for term in node.excluded:
        parts.append(False if _term_found(term, texts) else None)
    return all_of(parts)


def matches(node: Node, event: Mapping[str, object]) -> Tri:
    """Whether the pattern matches the CloudTrail record ``event`` (None: cannot tell)."""
    if isinstance(node, MatchAll):
        return True
    if isinstance(node, And):
        return all_of(matches(operand, event) for operand in node.operands)
    if isinstance(node, Or):
        return any_of(matches(operand, event) for operand in node.operands)
    if isinstance(node, Not):
        return negate(matches(node.operand, event))
    if isinstance(node, Compare):
        return _compare(node, event)
    if isinstance(node, IsValue):
        found = _lookup(event, node.selector.path)
        if node.what == "NULL":
            return found is None
        return found is (node.what == "TRUE")
    if isinstance(node, NotExists):
        return _lookup(event, node.selector.path) is _MISSING
    if isinstance(node, Terms):
        return _terms(node, event)
    return None  # Delimited: not evaluated over JSON records


def matches_pattern(pattern: str, event: Mapping[str, object]) -> Tri:
    """``matches(parse(pattern), event)``; a pattern that does not parse gives None."""
    try:
        node = parse(pattern)
    except FilterPatternError:
        return None
    return matches(node, event)
