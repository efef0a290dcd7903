"""Text from scanned files made safe to print on a terminal or in a CI log.

Resource names, logical ids, file names and messages that quote them come from the files
being scanned, so they are attacker-controlled. Printed raw, an ESC sequence recolours or
clears the screen, an OSC 8 sequence turns text into a hidden hyperlink, a CR or a newline
forges a finding line (or an "ok" verdict), bidi overrides (Trojan Source) reorder what the
reader sees, and a lone surrogate from an undecodable file name makes the write fail. Every
such character is shown as a visible escape instead (``\\x1b``, ``\\r``, ``\\u202e``); text
without them, the normal case, is returned unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable

# Bidirectional formatting characters: embeddings, overrides, isolates and marks.
_BIDI = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_NAMED = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}


def _visible(code: int) -> str:
    if code in _NAMED:
        return _NAMED[code]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_UNSAFE: tuple[int, ...] = (
    *range(0x00, 0x20),  # C0 controls, ESC included
    *range(0x7F, 0xA0),  # DEL and the C1 controls (CSI 0x9b, OSC 0x9d, NEL 0x85)
    *_BIDI,
    0x2028,  # line separator
    0x2029,  # paragraph separator
    *range(0xD800, 0xE000),  # lone surrogates (undecodable bytes of a file name)
)
_TABLE: dict[int, str] = {code: _visible(code) for code in _UNSAFE}
_TABLE_KEEP_NEWLINES: dict[int, str] = {k: v for k, v in _TABLE.items() if k != 0x0A}


def escape_controls(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every control, bidi and separator character shown as an escape.

    ``keep_newlines`` leaves ``\\n`` alone, for a message whose lines the reporter lays
    out itself; everything else (a CR included) is still escaped.
    """
    if text.isprintable():  # no Cc, Cf, Cs, Zl, Zp character: nothing to do
        return text
    return text.translate(_TABLE_KEEP_NEWLINES if keep_newlines else _TABLE)


def escape_message(message: str, names: Iterable[str]) -> str:
    """A message with its own line breaks kept and everything else escaped, including
    the line breaks inside the ``names`` it quotes (the finding's resource, its related
    resources): a newline in a logical id must not start a line of its own."""
    for name in sorted(set(names), key=len, reverse=True):
        if name and not name.isprintable():
            message = message.replace(name, escape_controls(name))
    return escape_controls(message, keep_newlines=True)
