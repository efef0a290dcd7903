"""JSON decoding that remembers where each object starts, so a finding about a resource of
a plan without its ``.tf`` files can still point at the resource's entry in the plan.

The standard library's pure-Python scanner is used with one change: every JSON object is
decoded into a ``PosDict`` carrying its start offset. Strings, numbers and nesting follow
``json`` exactly (the same decoder, only the object hook differs). A line index turns an
offset into (line, column) in logarithmic time.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
from typing import Any


class PosDict(dict):  # type: ignore[type-arg]
    """A decoded JSON object and the character offsets of its braces."""

    __slots__ = ("end", "start")

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.start = 0
        self.end = 0


class JsonError(ValueError):
    """Not JSON; ``line`` and ``column`` are 1-based."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class _Decoder(json.JSONDecoder):
    def __init__(self) -> None:
        super().__init__(object_pairs_hook=PosDict)
        self.parse_object = self._parse_object
        self.scan_once = json.scanner.py_make_scanner(self)

    @staticmethod
    def _parse_object(s_and_end: tuple[str, int], *args: Any, **kwargs: Any) -> tuple[Any, int]:
        value, end = json.decoder.JSONObject(s_and_end, *args, **kwargs)
        if isinstance(value, PosDict):
            value.start = s_and_end[1] - 1
            value.end = end
        return value, end


def decode(text: str) -> Any:
    """The JSON value of ``text`` with ``PosDict`` objects; raises ``JsonError``."""
    try:
        return _Decoder().decode(text)
    except json.JSONDecodeError as exc:
        raise JsonError(exc.msg, exc.lineno, exc.colno) from None
    except RecursionError:
        raise JsonError("JSON nested too deeply to read", 1, 1) from None


class Lines:
    """Offsets → 1-based (line, column) of one text."""

    def __init__(self, text: str) -> None:
        self._starts = [0]
        index = text.find("\n")
        while index != -1:
            self._starts.append(index + 1)
            index = text.find("\n", index + 1)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1
