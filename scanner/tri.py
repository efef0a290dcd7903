"""Three-valued (Kleene) logic, in one place.

Static analysis often cannot decide: ``None`` means "cannot be known before deploy".
Combining such answers must never turn an unknown into a verdict, so every engine and
policy combines them with these functions.
"""

from __future__ import annotations

from collections.abc import Iterable

Tri = bool | None


def all_of(values: Iterable[Tri]) -> Tri:
    """AND: False if any is False, else None if any is None, else True."""
    result: Tri = True
    for v in values:
        if v is False:
            return False
        if v is None:
            result = None
    return result


def any_of(values: Iterable[Tri]) -> Tri:
    """OR: True if any is True, else None if any is None, else False."""
    result: Tri = False
    for v in values:
        if v is True:
            return True
        if v is None:
            result = None
    return result


def negate(value: Tri) -> Tri:
    return None if value is None else not value
