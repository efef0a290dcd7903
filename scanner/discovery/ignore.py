"""Which paths a walk leaves out: ``--exclude``, ``exclude`` in the config, ``.gitignore``.

The patterns are gitignore's (``*``, ``?``, ``[a-z]``, ``**``, a leading ``/`` or a slash
in the middle anchors, a trailing ``/`` means directories only, ``!`` re-includes, the
last matching line wins, a deeper ``.gitignore`` overrides a shallower one).

They are matched here without regular expressions. A ``.gitignore`` comes from the
repository being scanned, so its patterns are untrusted input: compiled to a
backtracking regex, as pathspec does, ``*a*a*a*a*a*a*b`` takes 11 s on one
80-character name. Here each path segment is matched by the greedy wildcard algorithm
(one backtrack point, at most length × pattern steps) and ``**`` is handled the same way
one level up, over whole segments.

Each entry is matched on its own path; the walk never enters an ignored directory, which
is how git applies a directory pattern to everything below it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from scanner.valueclass import ValueObject, value_class

__all__ = ["IgnoreFile", "Pattern", "Rules", "parse_lines"]

# One unit of a segment glob: a literal character, "?" (any one), "*" (any run), or a
# character class (negated?, characters, ranges).
_Unit = str | tuple[bool, frozenset[str], tuple[tuple[str, str], ...]]
_STAR = "\x00*"  # never a literal character of a path segment
_ANY = "\x00?"
_DOUBLE_STAR = None  # a segment that is "**"


def _parse_class(text: str, i: int) -> tuple[_Unit, int] | None:
    """A ``[...]`` class starting at ``text[i] == "["``; None when it is not closed."""
    j = i + 1
    negate = j < len(text) and text[j] in "!^"
    if negate:
        j += 1
    chars: set[str] = set()
    ranges: list[tuple[str, str]] = []
    first = True
    while j < len(text):
        c = text[j]
        if c == "]" and not first:
            return (negate, frozenset(chars), tuple(ranges)), j + 1
        first = False
        if c == "\\" and j + 1 < len(text):
            j += 1
            c = text[j]
        if j + 2 < len(text) and text[j + 1] == "-" and text[j + 2] != "]":
            hi = text[j + 2]
            if hi == "\\" and j + 3 < len(text):
                hi = text[j + 3]
                j += 1
            ranges.append((c, hi))
            j += 3
            continue
        chars.add(c)
        j += 1
    return None


def _compile_segment(text: str) -> tuple[_Unit, ...]:
    units: list[_Unit] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "*":
            if not units or units[-1] != _STAR:
                units.append(_STAR)
            i += 1
        elif c == "?":
            units.append(_ANY)
            i += 1
        elif c == "[" and (parsed := _parse_class(text, i)) is not None:
            units.append(parsed[0])
            i = parsed[1]
        elif c == "\\" and i + 1 < len(text):
            units.append(text[i + 1])
            i += 2
        else:
            units.append(c)
            i += 1
    return tuple(units)


def _unit_matches(unit: _Unit, char: str) -> bool:
    if isinstance(unit, str):
        return unit == _ANY or unit == char
    negate, chars, ranges = unit
    hit = char in chars or any(lo <= char <= hi for lo, hi in ranges)
    return hit != negate


def _greedy(units: Sequence[object], items: Sequence[object], star: object, one: object) -> bool:
    """Wildcard matching with one backtrack point: ``star`` matches any run of items,
    every other unit exactly one item (checked by ``one(unit, item)``). O(len × units)."""
    ui = ii = 0
    star_ui, star_ii = -1, 0
    n_units, n_items = len(units), len(items)
    while ii < n_items:
        if ui < n_units and units[ui] is star:
            star_ui, star_ii = ui, ii
            ui += 1
        elif ui < n_units and one(units[ui], items[ii]):  # type: ignore[operator]
            ui += 1
            ii += 1
        elif star_ui >= 0:
            star_ii += 1
            ui, ii = star_ui + 1, star_ii
        else:
            return False
    while ui < n_units and units[ui] is star:
        ui += 1
    return ui == n_units


class _Segment:
    """A compiled glob for one path segment, with fast paths for the usual shapes."""

    __slots__ = ("kind", "text", "units")

    def __init__(self, text: str) -> None:
        self.units = _compile_segment(text)
        plain = [u for u in self.units if u != _STAR]
        literal = all(isinstance(u, str) and u != _ANY for u in plain)
        stars = len(self.units) - len(plain)
        self.text = "".join(plain) if literal else ""  # type: ignore[arg-type]
        if literal and stars == 0:
            self.kind = "equal"
        elif literal and stars == 1 and self.units[0] == _STAR:
            self.kind = "suffix"
        elif literal and stars == 1 and self.units[-1] == _STAR:
            self.kind = "prefix"
        else:
            self.kind = "glob"

    def matches(self, name: str) -> bool:
        kind = self.kind
        if kind == "equal":
            return name == self.text
        if kind == "suffix":
            return name.endswith(self.text)
        if kind == "prefix":
            return name.startswith(self.text)
        return _greedy(self.units, name, _STAR, _unit_matches)


def _segment_matches(segment: _Segment | None, name: str) -> bool:
    return segment is not None and segment.matches(name)


@value_class()
class Pattern(ValueObject):
    """One gitignore line, compiled. ``segments`` holds ``None`` for ``**``."""

    text: str
    negate: bool
    dir_only: bool
    anchored: bool
    segments: tuple[_Segment | None, ...]
    line: int = 0

    @classmethod
    def parse(cls, line: str, number: int = 0) -> Pattern | None:
        """A pattern from one line of a ``.gitignore``; None for blanks and comments."""
        text = line.rstrip("\n").rstrip("\r")
        if not text or text.startswith("#"):
            return None
        # Trailing spaces are dropped unless escaped with a backslash.
        end = len(text)
        while end > 0 and text[end - 1] == " " and not (end > 1 and text[end - 2] == "\\"):
            end -= 1
        text = text[:end]
        if not text:
            return None
        negate = text.startswith("!")
        if negate:
            text = text[1:]
        elif text.startswith(("\\!", "\\#")):
            text = text[1:]
        dir_only = text.endswith("/")
        text = text.rstrip("/")
        if not text:
            return None
        anchored = "/" in text
        parts = [p for p in text.lstrip("/").split("/") if p]
        if not parts:
            return None
        segments: list[_Segment | None] = [None if p == "**" else _Segment(p) for p in parts]
        if not anchored:
            segments.insert(0, None)  # a name matches at any depth
        # A trailing "/**" matches everything inside, not the directory itself.
        if len(segments) > 1 and segments[-1] is None and segments[-2] is not None:
            segments[-1:] = [_Segment("*"), None]
        # Consecutive "**" are one.
        squeezed: list[_Segment | None] = []
        for s in segments:
            if s is None and squeezed and squeezed[-1] is None:
                continue
            squeezed.append(s)
        return cls(line.strip(), negate, dir_only, anchored, tuple(squeezed), number)

    def matches(self, parts: Sequence[str], is_dir: bool) -> bool:
        """Whether the path (its segments, relative to the pattern's base) matches."""
        if self.dir_only and not is_dir:
            return False
        segments = self.segments
        if len(segments) == 2 and segments[0] is None and segments[1] is not None:
            return segments[1].matches(parts[-1])  # the common unanchored name
        if None not in segments:  # no `**`: one segment per part
            return len(segments) == len(parts) and all(
                s.matches(part) for s, part in zip(segments, parts, strict=True)  # type: ignore[union-attr]
            )
        return _greedy(segments, parts, None, _segment_matches)


def parse_lines(lines: Iterable[str]) -> tuple[Pattern, ...]:
    out = []
    for number, line in enumerate(lines, start=1):
        pattern = Pattern.parse(line, number)
        if pattern is not None:
            out.append(pattern)
    return tuple(out)


@value_class()
class IgnoreFile(ValueObject):
    """Patterns relative to ``base`` (an absolute directory, as walked)."""

    base: str
    patterns: tuple[Pattern, ...]
    source: str = ""  # where they were read, for messages

    def verdict(self, path: str, is_dir: bool) -> bool | None:
        """True: ignored, False: re-included (``!``), None: no line matches."""
        rel = _relative(path, self.base)
        if rel is None:
            return None
        parts = rel.split("/")
        for pattern in _index(self.patterns).candidates(len(parts), parts[-1]):
            if pattern.matches(parts, is_dir):
                return not pattern.negate
        return None


class _Index:
    """The lines of one file that could match a path, last line first: a line without
    ``**`` only a path of as many parts as it has segments, an unanchored plain name
    (``build/``, ``.venv``) only a path ending in that name. A walk asks about every
    entry, and most lines can be passed over without looking at them."""

    def __init__(self, patterns: tuple[Pattern, ...]) -> None:
        self.by_name: dict[str, list[tuple[int, Pattern]]] = {}
        self.by_length: dict[int, list[tuple[int, Pattern]]] = {}
        self.any_length: list[tuple[int, Pattern]] = []
        for number, pattern in enumerate(patterns):
            segments = pattern.segments
            last = segments[-1] if segments else None
            if len(segments) == 2 and segments[0] is None and last is not None and last.kind == "equal":
                self.by_name.setdefault(last.text, []).append((number, pattern))
            elif None not in segments:
                self.by_length.setdefault(len(segments), []).append((number, pattern))
            else:
                self.any_length.append((number, pattern))
        # by path length: the numbered lines, and the lines alone (the common answer)
        self._lengths: dict[int, tuple[list[tuple[int, Pattern]], list[Pattern]]] = {}

    def candidates(self, length: int, name: str) -> list[Pattern]:
        fixed = self._lengths.get(length)
        if fixed is None:
            numbered = sorted([*self.by_length.get(length, ()), *self.any_length], key=_number, reverse=True)
            fixed = self._lengths[length] = (numbered, [pattern for _, pattern in numbered])
        named = self.by_name.get(name)
        if named is None:
            return fixed[1]
        return [pattern for _, pattern in sorted([*fixed[0], *named], key=_number, reverse=True)]


def _number(item: tuple[int, Pattern]) -> int:
    return item[0]


# The index of each file's lines, by the identity of its tuple of lines (kept with it, so
# the id cannot be reused); a scan reads a few files, a long-lived process many: bounded.
_INDEXES: dict[int, tuple[tuple[Pattern, ...], _Index]] = {}
_INDEXES_KEPT = 256


def _index(patterns: tuple[Pattern, ...]) -> _Index:
    known = _INDEXES.get(id(patterns))
    if known is None or known[0] is not patterns:
        if len(_INDEXES) >= _INDEXES_KEPT:
            _INDEXES.clear()
        known = _INDEXES[id(patterns)] = (patterns, _Index(patterns))
    return known[1]


def _relative(path: str, base: str) -> str | None:
    if base == "/":
        return path.lstrip("/") or None
    if path.startswith(base) and path[len(base) : len(base) + 1] == os.sep:
        return path[len(base) + 1 :].replace(os.sep, "/")
    return None


@value_class()
class Rules(ValueObject):
    """What applies in one directory: the user's excludes (always win) and the
    ``.gitignore`` files from the repository root down to here (deepest last)."""

    excludes: tuple[IgnoreFile, ...] = ()
    gitignores: tuple[IgnoreFile, ...] = ()

    def with_gitignore(self, ignore_file: IgnoreFile) -> Rules:
        return Rules(self.excludes, (*self.gitignores, ignore_file))

    def ignored(self, path: str, is_dir: bool) -> bool:
        for rules in self.excludes:
            if rules.verdict(path, is_dir):
                return True
        for rules in reversed(self.gitignores):
            verdict = rules.verdict(path, is_dir)
            if verdict is not None:
                return verdict
        return False

    def __bool__(self) -> bool:
        return bool(self.excludes or self.gitignores)
