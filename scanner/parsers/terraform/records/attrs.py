"""Evaluated Terraform values → ``Attr``: the one place that decides DEFAULT, UNKNOWN or
EXPLICIT, and which name an ``Attr`` carries.

An absent or null attribute is DEFAULT (the provider's documented default, spanned at the
owning block's header); an unresolved one is UNKNOWN with the reason; anything else is
EXPLICIT at the attribute. Every ``Attr`` carries the Terraform spelling it was read from
(``source_name``, a dotted path when the value sits in a nested block of the record's
resource), so messages never have to guess the format.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from scanner.model import Attr, Origin, PolicyDocument, Span
from scanner.parsers.common import policy_document_from_json
from scanner.parsers.terraform.attributes import MISSING
from scanner.parsers.terraform.body import BodyView
from scanner.parsers.terraform.records.context import ResourceInstance
from scanner.parsers.terraform.values import (
    EvalError,
    JsonText,
    UnknownValue,
    first_unknown,
    target_of,
    to_bool,
    to_string,
    whole_number,
    with_target,
)

T = TypeVar("T")
Value = Any


class UnknownPart(Exception):
    """A conversion met an unresolved part inside a known value (a list with one UNKNOWN)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# ---------------------------------------------------------------------------
# Conversions (raise EvalError / UnknownPart; ``attr`` turns those into UNKNOWN)
# ---------------------------------------------------------------------------


def to_int(value: Value) -> int:
    return whole_number(value)


def to_str(value: Value) -> str:
    if isinstance(value, list | dict):
        raise EvalError("expected a string, got a collection")
    return to_string(value)


def to_refs(value: Value) -> tuple[str, ...]:
    """A list of ARNs that may name records of the unit (alarm actions): an unknown item
    that names a record by reference becomes that record's ``${<ref>}`` token (see
    ``scanner.model``); any other unknown item makes the list unknown."""
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        target = target_of(item)
        if target and isinstance(item, UnknownValue):
            out.append(item.shape or "${" + target + "}")
            continue
        hit = first_unknown(item)
        if hit is not None:
            raise UnknownPart(hit.reason)
        if item is not None:
            out.append(str(to_str(item)))
    return tuple(out)


def plain(value: T) -> T:
    """A converted value as the model holds it: plain ``str``, never an evaluator string
    that carries a reference (the reference goes to ``Attr.target``)."""
    if isinstance(value, str) and type(value) is not str:
        return str(value)  # type: ignore[return-value]
    return value


def unknown_attr(span: Span, value: UnknownValue, name: str) -> Attr[Any]:
    """UNKNOWN, with the record it identifies and whether it is certainly set."""
    return Attr(
        value=None, origin=Origin.UNKNOWN, span=span, reason=value.reason, name=name,
        target=value.target, nonempty=value.nonempty,
    )


def is_enabled_text(value: Value) -> bool:
    """``"Enabled"`` / ``"Disabled"`` switches (S3 status fields) as a bool."""
    return to_str(value) == "Enabled"


def known_str(value: Value) -> str | None:
    """A value used only to match resources to each other (names, ids): a string or None."""
    return str(value) if isinstance(value, str) else None


# ---------------------------------------------------------------------------
# Attributes
# ---------------------------------------------------------------------------


def attr(
    view: BodyView,
    name: str,
    default: T | None,
    conv: Callable[[Value], T],
    default_span: Span | None = None,
    source_name: str | None = None,
) -> Attr[T]:
    """Attribute ``name`` of ``view`` as an ``Attr`` named ``source_name`` (default ``name``):
    absent or null → DEFAULT, unresolved → UNKNOWN, else the converted value."""
    shown = source_name or name
    value = view.value(name)
    if value is MISSING or value is None:
        return Attr.default(default, default_span or view.header, shown)
    span = view.attr_span(name)
    if isinstance(value, UnknownValue) and value.shape:
        value = with_target(value.shape, value.target)  # symbolic: only names unknown
    if isinstance(value, UnknownValue):
        return unknown_attr(span, value, shown)
    try:
        converted = plain(conv(value))
        via, via_span = view.variable_default(name) or ("", None)
        return Attr(value=converted, origin=Origin.EXPLICIT, span=span, name=shown,
                    target=target_of(value), via=via, via_span=via_span)
    except UnknownPart as exc:
        return Attr.unknown(span, exc.reason, shown)
    except (EvalError, ValueError, TypeError) as exc:
        return Attr.unknown(span, f"{name}: {exc}", shown)


def str_attr(view: BodyView, name: str, default: str | None = None,
             default_span: Span | None = None, source_name: str | None = None) -> Attr[str]:
    return attr(view, name, default, to_str, default_span, source_name)


def bool_attr(view: BodyView, name: str, default: bool | None,
              default_span: Span | None = None, source_name: str | None = None) -> Attr[bool]:
    return attr(view, name, default, to_bool, default_span, source_name)


def int_attr(view: BodyView, name: str, default: int | None = None,
             default_span: Span | None = None, source_name: str | None = None) -> Attr[int]:
    return attr(view, name, default, to_int, default_span, source_name)


def plain_strs(view: BodyView, name: str) -> tuple[tuple[str, ...], str]:
    """A list attribute as strings, plus the reason when some part is unknown."""
    value = view.value(name)
    if value is MISSING or value is None:
        return (), ""
    if isinstance(value, UnknownValue):
        return (), value.reason
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    reason = ""
    for item in items:
        hit = first_unknown(item)
        if hit is not None:
            reason = reason or hit.reason
            continue
        try:
            out.append(str(to_str(item)))
        except EvalError as exc:
            reason = reason or str(exc)
    return tuple(out), reason


def policy_attr(view: BodyView, name: str, default_span: Span | None = None
                ) -> Attr[PolicyDocument]:
    """A JSON policy attribute (``jsonencode``, heredoc, a policy document's ``.json``)."""
    value = view.value(name)
    if value is MISSING or value is None:
        return Attr.default(None, default_span or view.header, name)
    span = view.attr_span(name)
    if isinstance(value, UnknownValue):
        return Attr.unknown(span, value.reason, name)
    if isinstance(value, JsonText):
        value = value.data
    return Attr.explicit(policy_document_from_json(value, span), span, name)


def computed(inst: ResourceInstance, name: str, written_name: str) -> Attr[str]:
    """An identifying attribute (name/arn/id) as the provider computes it, spanned at the
    attribute it derives from (``written_name``) when that is written."""
    value = inst.computed(name)
    span = inst.view.attr_span(written_name) if inst.view.has(written_name) else inst.header
    if isinstance(value, UnknownValue):
        return Attr.unknown(span, value.reason, name)
    if not isinstance(value, str):
        return Attr.unknown(span, f"{inst.ref}.{name} is not a string", name)
    return Attr.explicit(str(value), span, name)
