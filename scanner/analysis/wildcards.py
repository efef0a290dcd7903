"""``*`` wildcards (CloudWatch filter values, EventBridge ``wildcard``) matched without regexes.

A wildcard pattern is literal text with ``*`` standing for any run of characters. Turned into
a regex (``a.*.*.*Z``) it backtracks: fourteen stars against thirty characters already take
minutes. Matched directly it cannot: the first piece must start the value, the last must end
it, and every piece in between is placed at its leftmost occurrence after the previous one
(placing a piece further right never helps the pieces after it). That is one left-to-right
pass of substring searches, linear in the value for any number of stars.
"""

from __future__ import annotations

from collections.abc import Sequence


def star_fullmatch(pieces: Sequence[str], value: str) -> bool:
    """Whether ``value`` is ``pieces[0] * pieces[1] * ... * pieces[-1]`` (``*`` = any run).

    ``pieces`` is the pattern split at its wildcard stars (so ``len(pieces) - 1`` stars);
    the caller has already turned escaped stars into literal text.
    """
    if not pieces:
        return value == ""
    if len(pieces) == 1:
        return value == pieces[0]
    first, last = pieces[0], pieces[-1]
    if len(first) + len(last) > len(value):
        return False
    if not value.startswith(first) or not value.endswith(last):
        return False
    position, end = len(first), len(value) - len(last)
    for piece in pieces[1:-1]:
        if not piece:
            continue
        found = value.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def split_unescaped_stars(pattern: str) -> list[str]:
    """EventBridge ``wildcard``: ``\\*`` is a literal star and ``\\\\`` a literal backslash;
    any other backslash is itself. Returns the literal pieces between the wildcard stars."""
    pieces: list[str] = []
    buffer: list[str] = []
    index = 0
    while index < len(pattern):
        ch = pattern[index]
        if ch == "\\" and index + 1 < len(pattern) and pattern[index + 1] in "*\\":
            buffer.append(pattern[index + 1])
            index += 2
            continue
        if ch == "*":
            pieces.append("".join(buffer))
            buffer = []
        else:
            buffer.append(ch)
        index += 1
    pieces.append("".join(buffer))
    return pieces
