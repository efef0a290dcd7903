"""Suppression comments (``# trailscan:ignore CT008 reason``, ``#checkov:skip=ID:reason``).

Comments are found on the raw text lines (the grammar folds them into newline tokens)
and assigned to a block by line range: inside the block, or on the comment lines
directly above its header.
"""

from __future__ import annotations

import re

from scanner.model import Span, Suppression

_TRAILSCAN_RE = re.compile(r"(?:#|//)\s*trailscan:ignore\s+([A-Za-z0-9_,]+)(.*)$")
_CHECKOV_RE = re.compile(r"(?:#|//)\s*checkov:skip=([A-Za-z0-9_,]+)(?::(.*))?$")
_UNTIL_RE = re.compile(r"\buntil=(\S+)")
_COMMENT_LINE_RE = re.compile(r"^\s*(#|//)")


def _ids(text: str) -> tuple[str, ...]:
    return tuple(i.strip().upper() for i in re.split(r"[,\s]+", text) if i.strip())


def scan_comments(path: str, text: str) -> dict[int, Suppression]:
    """Suppressions by 1-based line number."""
    out: dict[int, Suppression] = {}
    if "trailscan:ignore" not in text and "checkov:skip" not in text:
        return out
    for number, line in enumerate(text.splitlines(), start=1):
        match = _TRAILSCAN_RE.search(line)
        if match:
            first = match.group(1)
            reason = match.group(2).strip()
            until = ""
            until_match = _UNTIL_RE.search(reason)
            if until_match:
                until = until_match.group(1)
                reason = (reason[: until_match.start()] + reason[until_match.end() :]).strip()
            column = match.start() + 1
            out[number] = Suppression(
                ids=_ids(first),
                reason=" ".join(reason.split()),
                span=Span(path=path, line=number, column=column, end_column=len(line) + 1),
                until=until,
            )
            continue
        match = _CHECKOV_RE.search(line)
        if match:
            out[number] = Suppression(
                ids=_ids(match.group(1)),
                reason=(match.group(2) or "").strip(),
                span=Span(path=path, line=number, column=match.start() + 1,
                          end_column=len(line) + 1),
                source="checkov",
            )
    return out


def for_block(
    comments: dict[int, Suppression], lines: list[str], start: int, end: int
) -> tuple[Suppression, ...]:
    """Suppressions inside ``start..end`` or in the comment run directly above ``start``."""
    if not comments:
        return ()
    found = [comments[n] for n in range(start, end + 1) if n in comments]
    above = start - 1
    while above >= 1 and above <= len(lines) and _COMMENT_LINE_RE.match(lines[above - 1]):
        if above in comments:
            found.append(comments[above])
        above -= 1
    return tuple(sorted(found, key=lambda s: (s.span.line, s.span.column)))
