"""Runtime values of the static Terraform evaluator.

Plain Python data stands for Terraform values (str, int/float, bool, None, list, dict);
``UnknownValue`` stands for anything not known before apply. Resources, modules and the
top-level namespaces (``var``, ``data``...) are ``Lazy`` objects so that only what an
expression actually touches is ever evaluated.
"""

from __future__ import annotations

import json
from typing import Any

from scanner.analysis.policy_document import SpannedDict, UnknownValue

__all__ = [
    "EvalError",
    "JsonText",
    "Lazy",
    "SpannedDict",
    "UnknownValue",
    "first_unknown",
    "to_json_data",
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


class Lazy:
    """A value whose attributes are computed on demand (resources, modules, namespaces)."""

    def attr(self, name: str) -> Value:
        raise EvalError(f"{self.describe()} has no attribute {name!r}")

    def index(self, key: Value) -> Value:
        raise EvalError(f"{self.describe()} cannot be indexed")

    def describe(self) -> str:
        return type(self).__name__


def first_unknown(value: Value) -> UnknownValue | None:
    """The first unknown leaf of a (nested) value, or None when fully known."""
    if isinstance(value, UnknownValue):
        return value
    if isinstance(value, Lazy):
        return UnknownValue(f"{value.describe()} cannot be used as a plain value")
    if isinstance(value, dict):
        for item in value.values():
            hit = first_unknown(item)
            if hit is not None:
                return hit
    elif isinstance(value, list):
        for item in value:
            hit = first_unknown(item)
            if hit is not None:
                return hit
    return None


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
