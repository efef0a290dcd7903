"""One file's text as the editors see it, and the few text operations they share.

Editors work on ``str`` with ``\\n`` newlines and without a byte-order mark, because that is
what the parsers saw when they computed the spans (1-based lines, columns counted in
characters). ``Source.encode`` puts the file's own conventions back, so a fix never turns a
CRLF file into an LF one or drops its BOM: untouched lines stay byte-identical.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right

from scanner.valueclass import ValueObject, value_class

_BOM = "\ufeff"


class NotEditable(Exception):
    """The file cannot be edited safely; the message says why (``not fixed: ...``)."""


@value_class()
class Source(ValueObject):
    path: str  # POSIX, relative to the scan root (as spans write it)
    text: str  # ``\n`` newlines, no BOM
    bom: bool = False
    crlf: bool = False
    digest: str = ""  # of the bytes read: the file must still hold them when written

    @staticmethod
    def decode(path: str, data: bytes) -> Source:
        """The text of ``data``; raises NotEditable for what an edit could damage."""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NotEditable(f"{path} is not UTF-8 text (byte {exc.start})") from None
        bom = text.startswith(_BOM)
        text = text.removeprefix(_BOM)
        crlf_count = text.count("\r\n")
        lf_count = text.count("\n")
        if crlf_count and crlf_count != lf_count:
            raise NotEditable(f"{path} mixes CRLF and LF line endings")
        if "\r" in text.replace("\r\n", ""):
            raise NotEditable(f"{path} has bare carriage returns")
        crlf = bool(crlf_count)
        if crlf:
            text = text.replace("\r\n", "\n")
        return Source(path=path, text=text, bom=bom, crlf=crlf, digest=digest_of(data))

    def encode(self, text: str) -> bytes:
        """``text`` written back in the file's conventions (BOM, line endings)."""
        if self.crlf:
            text = text.replace("\n", "\r\n")
        return ((_BOM if self.bom else "") + text).encode("utf-8")


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Lines:
    """Line/column ↔ offset for one text (1-based lines and columns, as spans use)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        index = text.find("\n")
        while index != -1:
            self.starts.append(index + 1)
            index = text.find("\n", index + 1)

    @property
    def count(self) -> int:
        return len(self.starts)

    def offset(self, line: int, column: int) -> int:
        line = min(max(line, 1), len(self.starts))
        return min(self.starts[line - 1] + max(column, 1) - 1, len(self.text))

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1

    def line(self, number: int) -> str:
        """Line ``number`` without its newline ("" past the end)."""
        if number < 1 or number > len(self.starts):
            return ""
        start = self.starts[number - 1]
        end = self.text.find("\n", start)
        return self.text[start:] if end == -1 else self.text[start:end]

    def end_of_line(self, number: int) -> int:
        """Offset just after line ``number``'s newline (the start of the next line)."""
        if number >= len(self.starts):
            return len(self.text)
        return self.starts[number]


def indentation(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def splice(text: str, start: int, end: int, replacement: str) -> str:
    return text[:start] + replacement + text[end:]


def insert_lines(text: str, after_line: int, lines: list[str]) -> str:
    """``lines`` inserted as whole lines after line ``after_line`` (0: at the top)."""
    index = Lines(text)
    at = index.end_of_line(after_line) if after_line > 0 else 0
    block = "".join(f"{line}\n" for line in lines)
    if at == len(text) and text and not text.endswith("\n"):
        block = "\n" + block.removesuffix("\n")
    return text[:at] + block + text[at:]


@value_class()
class Change(ValueObject):
    """Text ``[start, end)`` of the original replaced by ``text`` (an insertion when empty)."""

    start: int
    end: int
    text: str


def apply_changes(text: str, changes: list[Change]) -> str:
    """All ``changes`` (offsets into ``text``) at once; insertions at one offset keep their
    order. Overlapping replacements are a bug of the caller: NotEditable."""
    ordered = sorted(enumerate(changes), key=lambda item: (item[1].start, item[0]))
    out: list[str] = []
    pos = 0
    for _, change in ordered:
        if change.start < pos:
            raise NotEditable("two edits overlap")
        out.append(text[pos:change.start])
        out.append(change.text)
        pos = max(pos, change.end)
    out.append(text[pos:])
    return "".join(out)
