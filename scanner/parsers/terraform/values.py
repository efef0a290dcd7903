"""Runtime values of the static Terraform evaluator.

Plain Python data stands for Terraform values (str, int/float, bool, None, list, dict);
``UnknownValue`` stands for anything not known before apply. Resources, modules and the
top-level namespaces (``var``, ``data``...) are ``Lazy`` objects so that only what an
expression actually touches is ever evaluated.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from scanner.parsers.common import (
    Opaque,
    RefStr,
    SpannedDict,
    UnknownValue,
    first_unknown,
    target_of,
    with_target,
    without_target,
)

__all__ = [
    "EvalError",
    "get_attr",
    "get_index",
    "is_number",
    "iterate",
    "MAX_NUMBER_DIGITS",
    "checked_number",
    "decimal_number",
    "number_literal",
    "tf_equal",
    "whole_number",
    "to_bool",
    "to_number",
    "to_string",
    "JsonText",
    "Lazy",
    "RefStr",
    "SpannedDict",
    "UnknownValue",
    "first_unknown",
    "target_of",
    "to_json_data",
    "with_target",
    "without_target",
]

Value = Any


class EvalError(Exception):
    """An expression Terraform itself would reject (or that exceeds a limit)."""


class JsonText(str):
    """A JSON string that still carries the data it was encoded from.

    ``jsonencode`` of a document with unresolved leaves keeps them in ``data`` so that a
    policy document built in HCL loses neither its unknown parts nor its statement lines.
    """

    data: Any

    def __new__(cls, text: str, data: Any) -> JsonText:
        obj = super().__new__(cls, text)
        obj.data = data
        return obj


class Lazy(Opaque):
    """A value whose attributes are computed on demand (resources, modules, namespaces)."""

    def attr(self, name: str) -> Value:
        raise EvalError(f"{self.describe()} has no attribute {name!r}")

    def index(self, key: Value) -> Value:
        raise EvalError(f"{self.describe()} cannot be indexed")

    def describe(self) -> str:
        return type(self).__name__


class Namespace(Lazy):
    """A name whose attributes are looked up by one getter: ``var``, ``local``,
    ``module``, ``data.<type>``, a resource type, terragrunt's ``include`` or
    ``dependency.<name>.outputs``."""

    def __init__(self, name: str, getter: Callable[[str], Value]) -> None:
        self._name = name
        self._getter = getter

    def attr(self, name: str) -> Value:
        return self._getter(name)

    def describe(self) -> str:
        return self._name


def to_json_data(value: Value) -> Value:
    """Data for ``json.dumps``: unknown leaves become a readable marker."""
    if isinstance(value, JsonText):
        return str(value)
    if isinstance(value, UnknownValue | Lazy):
        return "(known after apply)"
    if isinstance(value, dict):
        return {str(k): to_json_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json_data(v) for v in value]
    return value


def json_encode(value: Value) -> JsonText:
    text = json.dumps(to_json_data(value), separators=(",", ":"), ensure_ascii=False)
    return JsonText(text, value)


# ---------------------------------------------------------------------------
# Conversions and access, as Terraform's type system does them
# ---------------------------------------------------------------------------


def is_number(value: Value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# Terraform numbers are arbitrary precision; Python ints are too, but Python converts an
# int to or from text only up to 4300 digits and floats overflow past 1.8e308. Integers are
# kept exact (``1e3`` is 1000, ``1e308*10`` is 10**309) up to this many digits; a number
# beyond it is UNKNOWN with a reason, never a crash.
MAX_NUMBER_DIGITS = 4000
_MAX_NUMBER_BITS = int(MAX_NUMBER_DIGITS * math.log2(10))


def _too_large(text: str) -> str:
    shown = text if len(text) <= 24 else text[:20] + "..."
    return (f"number {shown} has more than {MAX_NUMBER_DIGITS} digits; trailscan does not "
            "evaluate it")


def number_literal(text: str) -> int | float | UnknownValue:
    """A number written in HCL or JSON as Terraform reads it: exact when it is whole.

    Raises ``EvalError`` when ``text`` is not a number.
    """
    digits = text.strip()
    if digits.isascii() and digits.isdigit():
        # A plain whole number, nearly every number of a configuration: what
        # ``decimal_number`` gives, without importing ``decimal`` (2 ms of every run).
        significant = digits.lstrip("0") or "0"
        if len(significant) > MAX_NUMBER_DIGITS:
            return UnknownValue(_too_large(digits))
        return int(significant)
    return decimal_number(text)


def decimal_number(text: str) -> int | float | UnknownValue:
    """``number_literal`` for any number: read exactly as a decimal."""
    from decimal import Decimal, InvalidOperation

    try:
        number = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        raise EvalError(f"cannot convert {text!r} to a number") from None
    if not number.is_finite():
        raise EvalError(f"cannot convert {text!r} to a number")
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    if len(digits) + exponent > MAX_NUMBER_DIGITS:
        return UnknownValue(_too_large(text.strip()))
    if exponent >= 0 or number == number.to_integral_value():
        return int(number)
    value = float(number)
    if value == 0.0 and number != 0:
        return UnknownValue(f"number {text.strip()} is too small to evaluate exactly")
    return value


def checked_number(value: int | float) -> int | float:
    """An arithmetic result, or EvalError when it leaves what trailscan evaluates."""
    if isinstance(value, int) and value.bit_length() > _MAX_NUMBER_BITS:
        raise EvalError(f"result has more than {MAX_NUMBER_DIGITS} digits; trailscan does not "
                        "evaluate it")
    if isinstance(value, float) and not math.isfinite(value):
        raise EvalError("result is out of the range trailscan evaluates")
    return value


def to_number(value: Value) -> int | float:
    if is_number(value):
        return value  # type: ignore[no-any-return]
    if isinstance(value, str):
        number = number_literal(value)
        if isinstance(number, UnknownValue):
            raise EvalError(number.reason)
        return number
    raise EvalError(f"cannot convert {value!r} to a number")


def whole_number(value: Value) -> int:
    """``value`` as an exact integer, or EvalError when it is not a whole number."""
    number = to_number(value)
    if isinstance(number, float):
        if not number.is_integer():
            raise EvalError(f"{value!r} is not a whole number")
        return int(number)
    return number


def to_bool(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    raise EvalError(f"cannot convert {value!r} to a bool")


def to_string(value: Value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if is_number(value):
        return str(value)
    if value is None:
        raise EvalError("a null value cannot be used in a string")
    raise EvalError(f"cannot convert a {type(value).__name__} to a string")


def tf_equal(a: Value, b: Value) -> bool:
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    if is_number(a) and is_number(b):
        return bool(a == b)
    if type(a) is not type(b) and not (isinstance(a, str) and isinstance(b, str)):
        if isinstance(a, dict) and isinstance(b, dict):
            return dict(a) == dict(b)
        return False
    return bool(a == b)


def get_attr(value: Value, name: str) -> Value:
    if isinstance(value, UnknownValue):
        return without_target(value)  # a part of a value identifies nothing
    if isinstance(value, Lazy):
        return value.attr(name)
    if isinstance(value, dict):
        if name in value:
            return value[name]
        raise EvalError(f"object has no attribute {name!r}")
    if value is None:
        raise EvalError(f"attempt to get attribute {name!r} from a null value")
    raise EvalError(f"cannot get attribute {name!r} of a {type(value).__name__}")


def get_index(value: Value, key: Value) -> Value:
    if isinstance(value, UnknownValue):
        return without_target(value)
    if isinstance(key, UnknownValue):
        return without_target(key)
    if isinstance(value, Lazy):
        return value.index(key)
    if isinstance(value, list):
        idx = whole_number(key)
        if not 0 <= idx < len(value):
            raise EvalError(f"index {key!r} out of range for a list of {len(value)}")
        return value[idx]
    if isinstance(value, dict):
        skey = to_string(key)
        if skey in value:
            return value[skey]
        raise EvalError(f"key {skey!r} not found")
    raise EvalError(f"cannot index a {type(value).__name__}")


def iterate(value: Value) -> list[tuple[Value, Value]]:
    """(key, value) pairs in Terraform's order: lists by index, maps by key."""
    if isinstance(value, list):
        return list(enumerate(value))
    if isinstance(value, dict):
        return [(k, value[k]) for k in sorted(value)]
    raise EvalError(f"cannot iterate over a {type(value).__name__}")
