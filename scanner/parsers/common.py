"""What both front ends share: paths relative to the scan root, size-limited reads,
unresolved values, and IAM policy documents written as plain data.

Policy documents: both front ends end up with the same shape, JSON-like Python data (from
``jsonencode``, a heredoc, ``aws_iam_policy_document`` or a CloudFormation
``PolicyDocument``) in which some leaves could not be resolved. Parsing it in one place
keeps the IAM conventions (string-or-list elements, ``"Principal": "*"``, stringified
condition values) identical for Terraform and CloudFormation.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from scanner.model import Condition, PolicyDocument, Principal, Span, Statement
from scanner.parsers.reads import note_file

# ---------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------


def real_path(path: Path) -> Path:
    """``path.resolve()`` that survives symlink loops (Python 3.11 raises RuntimeError)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def relpath(path: Path, root: Path) -> str:
    """POSIX path of ``path`` relative to ``root`` (``.`` for the root itself).

    A path outside the root is given relative to it (``../x``): reports never show an
    absolute path of the machine that ran the scan.
    """
    real, real_root = real_path(path), real_path(root)
    try:
        rel = real.relative_to(real_root)
    except ValueError:
        rel = Path(os.path.relpath(real, real_root))
    return printable_path(rel.as_posix()) or "."


def printable_path(text: str) -> str:
    """A file name that is not valid UTF-8 (the OS hands it over with surrogate escapes)
    shown with U+FFFD in its place: every report is valid UTF-8, whatever the disk holds."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text


def link_relpath(path: Path, root: Path) -> str:
    """Where a (possibly symlinked, looping or escaping) entry sits under ``root``: its
    parent directory resolved, its own name kept, so a problem with a link is reported
    at the link and never at the file outside the root that it points to."""
    if not path.name:
        return relpath(path, root)
    return f"{relpath(path.parent, root)}/{printable_path(path.name)}".removeprefix("./")


def is_within(path: Path, root: Path) -> bool:
    """Whether ``path`` (symlinks followed) lies inside ``root``."""
    try:
        real_path(path).relative_to(real_path(root))
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------


def too_large(size: int, max_bytes: int) -> str:
    """The one message for a file over the size limit."""
    return f"file too large ({size} bytes; limit max_file_bytes = {max_bytes}); not read"


def read_text(path: Path, max_bytes: int) -> tuple[str | None, str]:
    """The file's text (UTF-8, a BOM dropped), or ``None`` and why it was not read.

    Every front end reads through here so that a size limit or an unreadable file is
    reported the same way whatever the format, and so that the cache between runs knows
    every file a unit's model depends on (``scanner.parsers.reads``).
    """
    try:
        size = path.stat().st_size
        if size > max_bytes:
            note_file(path, None)
            return None, too_large(size, max_bytes)
        data = path.read_bytes()
    except OSError as exc:
        note_file(path, None)
        return None, f"cannot read file: {exc.strerror or exc}"
    note_file(path, data)
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError as exc:
        return None, f"file is not UTF-8 text (byte {exc.start})"


# ---------------------------------------------------------------------------
# Values that could not be resolved
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnknownValue:
    """A value the front end could not resolve statically; ``reason`` says why."""

    reason: str = "value is not known before apply"


class Opaque:
    """A value a front end holds by reference only (a Terraform resource or module
    object): usable in a reference, never as plain data."""

    def describe(self) -> str:
        return "this value"


def first_unknown(value: object) -> UnknownValue | None:
    """The first unknown leaf of a (nested) value, or None when it is fully known."""
    if isinstance(value, UnknownValue):
        return value
    if isinstance(value, Opaque):
        return UnknownValue(f"{value.describe()} cannot be used as a plain value")
    items: Iterable[object]
    if isinstance(value, dict):
        items = value.values()
    elif isinstance(value, list | tuple):
        items = value
    else:
        return None
    for item in items:
        found = first_unknown(item)
        if found is not None:
            return found
    return None


class SpannedDict(dict):  # type: ignore[type-arg]
    """A mapping that remembers where it was written, so a statement keeps its line."""

    __slots__ = ("span",)

    def __init__(self, *args: object, span: Span | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.span = span


# ---------------------------------------------------------------------------
# IAM policy documents
# ---------------------------------------------------------------------------


def aws_string(value: object) -> str:
    """Stringify a scalar the way IAM does when it stores a policy (``true``, ``10``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return ""
    return str(value)


def _strings(value: object) -> tuple[tuple[str, ...], bool]:
    """Strings of a string-or-list element, and whether some item was unknown."""
    items = value if isinstance(value, list | tuple) else [value]
    out: list[str] = []
    unknown = False
    for item in items:
        if isinstance(item, UnknownValue):
            unknown = True
        elif isinstance(item, dict | list | tuple):
            unknown = True
        elif item is not None:
            out.append(aws_string(item))
    return tuple(out), unknown


def _principals(value: object) -> tuple[tuple[Principal, ...], bool]:
    if isinstance(value, UnknownValue):
        return (), True
    if isinstance(value, str):
        if value == "*":
            return (Principal(kind="*", value="*"),), False
        # A bare string other than "*" is invalid IAM; keep it as an AWS principal.
        return (Principal(kind="AWS", value=value),), False
    if not isinstance(value, dict):
        return (), True
    out: list[Principal] = []
    unknown = False
    for kind, ids in value.items():
        if isinstance(ids, UnknownValue):
            unknown = True
            continue
        names, partial = _strings(ids)
        unknown = unknown or partial
        out.extend(Principal(kind=str(kind), value=name) for name in names)
    return tuple(out), unknown


def _conditions(value: object) -> tuple[tuple[Condition, ...], bool]:
    if isinstance(value, UnknownValue) or not isinstance(value, dict):
        return (), True
    out: list[Condition] = []
    unknown = False
    for operator, block in value.items():
        if not isinstance(block, dict):
            unknown = True
            continue
        for key, values in block.items():
            if isinstance(values, UnknownValue):
                unknown = True
                continue
            strings, partial = _strings(values)
            unknown = unknown or partial
            out.append(Condition(operator=str(operator), key=str(key), values=strings))
    return tuple(out), unknown


_LIST_ELEMENTS = (
    ("Action", "actions"),
    ("NotAction", "not_actions"),
    ("Resource", "resources"),
    ("NotResource", "not_resources"),
)


def _statement(raw: object, default_span: Span) -> Statement:
    span = getattr(raw, "span", None) or default_span
    if not isinstance(raw, dict):
        return Statement(effect="", span=span, unknown=("Statement",))
    unknown: list[str] = []
    fields: dict[str, object] = {}
    sid = raw.get("Sid", "")
    if isinstance(sid, UnknownValue):
        unknown.append("Sid")
        sid = ""
    effect = raw.get("Effect")
    if isinstance(effect, str) and effect in ("Allow", "Deny"):
        fields["effect"] = effect
    else:
        unknown.append("Effect")
        fields["effect"] = ""
    for key, name in (("Principal", "principals"), ("NotPrincipal", "not_principals")):
        if key in raw and raw[key] is not None:
            principals, partial = _principals(raw[key])
            fields[name] = principals
            if partial:
                unknown.append(key)
    for key, name in _LIST_ELEMENTS:
        if key in raw and raw[key] is not None:
            if isinstance(raw[key], UnknownValue):
                fields[name] = ()
                unknown.append(key)
                continue
            strings, partial = _strings(raw[key])
            fields[name] = strings
            if partial:
                unknown.append(key)
    if raw.get("Condition") is not None:
        conditions, partial = _conditions(raw["Condition"])
        fields["conditions"] = conditions
        if partial:
            unknown.append("Condition")
    return Statement(
        sid=aws_string(sid),
        span=span,
        unknown=tuple(unknown),
        **fields,  # type: ignore[arg-type]
    )


def policy_document_from_json(
    doc: object, span: Span, unknown_reason: str = ""
) -> PolicyDocument:
    """Parse a policy document given as JSON text or decoded data.

    ``doc`` may be a JSON string, a dict, or an ``UnknownValue``; unresolved leaves are
    ``UnknownValue`` instances and end up in ``Statement.unknown``. ``unknown_reason``
    overrides the reason recorded when the whole document is unknown.
    """
    if isinstance(doc, UnknownValue):
        return PolicyDocument(statements=(), span=span, unknown=unknown_reason or doc.reason)
    if isinstance(doc, str):
        try:
            doc = json.loads(doc)
        except ValueError as exc:
            reason = unknown_reason or f"policy is not valid JSON: {exc}"
            return PolicyDocument(statements=(), span=span, unknown=reason)
    if not isinstance(doc, dict):
        reason = unknown_reason or "policy document is not a JSON object"
        return PolicyDocument(statements=(), span=span, unknown=reason)
    raw = doc.get("Statement")
    if isinstance(raw, UnknownValue):
        return PolicyDocument(statements=(), span=span, unknown=unknown_reason or raw.reason)
    if raw is None:
        return PolicyDocument(statements=(), span=span)
    items = raw if isinstance(raw, list | tuple) else [raw]
    statements = tuple(_statement(item, span) for item in items)
    return PolicyDocument(statements=statements, span=span)
