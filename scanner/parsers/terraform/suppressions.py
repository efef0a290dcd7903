"""Suppression comments of trailscan, checkov, trivy and tfsec, read from comment tokens.

Only real comments count (the lexer knows strings, heredocs and template sequences), so a
``# trailscan:ignore`` inside a heredoc or a string is text, never a waiver. A suppression
belongs to a block when it is inside the block or on the comment-only lines directly above
its header.

Syntaxes (each searched in every line of a comment):

* ``trailscan:ignore CT008[,CT009] reason [until=YYYY-MM-DD]`` right after the comment
  marker (``#``, ``//``, ``/*``);
* checkov's ``checkov:skip=ID:reason`` anywhere in the comment, with the spacing checkov's
  own regex accepts (``(checkov|bridgecrew|cortex):skip= *ID``); the reason is what follows
  the id and a colon, blanks around the colon allowed (checkov itself records "No comment
  provided" for ``ID : reason``);
* trivy's and tfsec's ``trivy:ignore:ID`` / ``tfsec:ignore:ID`` as trivy parses them: words
  separated by blanks, leading ``#``, ``/`` and ``*`` trimmed, ``:``-separated sections
  (``exp:YYYY-MM-DD`` is the expiry). Their syntax has no reason, so the reason recorded is
  the tool's marker (``trivy:ignore``). A rule limited to attribute values (``ID[k=v]``) or
  to a workspace other than ``default`` is not taken: trailscan cannot tell whether it
  applies, and a waiver that may not apply must not hide a finding.
"""

from __future__ import annotations

import re
from dataclasses import field

from scanner.model import Span, Suppression
from scanner.parsers.terraform.lexer import Comment, lex
from scanner.valueclass import ValueObject, value_class

_TRAILSCAN_RE = re.compile(
    r"(?:^|#|//|/\*)[\s*]*trailscan:ignore\s+([A-Za-z0-9_,]+)(.*)$"
)
_CHECKOV_RE = re.compile(
    r"(?:checkov|bridgecrew|cortex):skip=[ \t]*([A-Za-z0-9_,]+)(?:[ \t]*:(.*))?"
)
_UNTIL_RE = re.compile(r"\buntil=(\S+)")
_FOREIGN_PREFIXES = ("trivy:", "tfsec:")
_MARKERS = ("trailscan:ignore", "checkov:skip", "bridgecrew:skip", "cortex:skip",
            "trivy:", "tfsec:")


@value_class(frozen=False)
class CommentIndex(ValueObject):
    """The suppressions of one file by line, and which lines hold only comments."""

    by_line: dict[int, list[Suppression]] = field(default_factory=dict)
    comment_lines: set[int] = field(default_factory=set)


def _ids(text: str) -> tuple[str, ...]:
    return tuple(i.strip().upper() for i in re.split(r"[,\s]+", text) if i.strip())


def _clean(reason: str, block: bool) -> str:
    if block:
        reason = reason.removesuffix("*/")
    return " ".join(reason.split())


def _segments(comment: Comment) -> list[tuple[int, int, str]]:
    """(line, column, text) of each line of a comment."""
    out = []
    for k, piece in enumerate(comment.text.split("\n")):
        out.append((comment.line + k, comment.column if k == 0 else 1, piece.rstrip("\r")))
    return out


def _trailscan(path: str, line: int, column: int, text: str, block: bool) -> Suppression | None:
    match = _TRAILSCAN_RE.search(text)
    if match is None:
        return None
    reason = match.group(2)
    until = ""
    until_match = _UNTIL_RE.search(reason)
    if until_match:
        until = until_match.group(1).removesuffix("*/")
        reason = reason[: until_match.start()] + reason[until_match.end() :]
    return Suppression(
        ids=_ids(match.group(1)),
        reason=_clean(reason, block),
        span=Span(path=path, line=line, column=column + match.start(),
                  end_column=column + len(text)),
        until=until,
    )


def _checkov(path: str, line: int, column: int, text: str, block: bool) -> Suppression | None:
    match = _CHECKOV_RE.search(text)
    if match is None:
        return None
    return Suppression(
        ids=_ids(match.group(1)),
        reason=_clean(match.group(2) or "", block),
        span=Span(path=path, line=line, column=column + match.start(),
                  end_column=column + len(text)),
        source="checkov",
    )


def _foreign(path: str, line: int, column: int, text: str) -> list[Suppression]:
    """trivy/tfsec rules, word by word as trivy's own parser reads a line."""
    out: list[Suppression] = []
    for word in re.finditer(r"\S+", text):
        part = word.group().lstrip("#/*")
        tool = next((p for p in _FOREIGN_PREFIXES if part.startswith(p)), None)
        if tool is None:
            continue
        sections = part[len(tool):].split(":")
        values = {sections[i]: sections[i + 1] for i in range(0, len(sections) - 1, 2)}
        rule = values.get("ignore", "")
        if not rule or "[" in rule:
            continue
        if values.get("ws", "default") not in ("default", "*"):
            continue
        name = tool.rstrip(":")
        out.append(
            Suppression(
                ids=(rule.upper(),),
                reason=f"{name}:ignore",
                span=Span(path=path, line=line, column=column + word.start(),
                          end_column=column + word.end()),
                until=values.get("exp", ""),
                source=name,
            )
        )
    return out


def scan_comments(path: str, text: str) -> CommentIndex:
    """Every suppression written in a comment of ``text``, by 1-based line."""
    index = CommentIndex()
    if path.endswith(".json") or not any(marker in text for marker in _MARKERS):
        return index  # Terraform JSON has no comments (a "//" key is data)
    lexed = lex(text)
    index.comment_lines = lexed.comment_only_lines()
    for comment in lexed.comments:
        for line, column, segment in _segments(comment):
            found = [
                s for s in (
                    _trailscan(path, line, column, segment, comment.block),
                    _checkov(path, line, column, segment, comment.block),
                ) if s is not None
            ]
            found += _foreign(path, line, column, segment)
            if found:
                index.by_line.setdefault(line, []).extend(found)
    return index


def for_block(index: CommentIndex, start: int, end: int) -> tuple[Suppression, ...]:
    """Suppressions inside ``start..end`` or in the comment-only lines directly above."""
    if not index.by_line:
        return ()
    found = [s for n in range(start, end + 1) for s in index.by_line.get(n, ())]
    above = start - 1
    while above >= 1 and above in index.comment_lines:
        found.extend(index.by_line.get(above, ()))
        above -= 1
    return tuple(sorted(found, key=lambda s: (s.span.line, s.span.column, s.source)))
