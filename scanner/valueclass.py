"""Dataclasses that cost less to define: ``@value_class`` on a subclass of ``ValueObject``.

Python 3.11 writes each method of a dataclass as source text and compiles it when the
class is defined: a ``@dataclass(frozen=True, slots=True)`` compiles six (``__init__``,
``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__``), about 0.6 ms a
class, and a one-file scan defines some 120 classes: a third of its run, paid at every
start. ``@value_class`` is that dataclass (slots; frozen unless told otherwise; the same
``__init__``, the same immutability) whose ``__repr__``, ``__eq__`` and ``__hash__`` are
``ValueObject``'s, written once and reading the class's fields, so only ``__init__`` (and a
frozen class's two guards) are compiled per class. They give what the generated ones give:
the same repr text (``Name(field=value, ...)``, ``...`` for a recursive one), equality
only between instances of the same class over the fields that compare, the hash of the
same tuple, and no hash for a mutable class.
"""

from __future__ import annotations

import dataclasses
import operator
import reprlib
from collections.abc import Callable
from typing import Any, TypeVar

C = TypeVar("C", bound=type)

_OWN_METHODS = ("__eq__", "__hash__", "__repr__")


def _tuple_of(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The fields' values as a tuple, as the generated methods build it (``attrgetter`` of
    one name returns the bare value, and a tuple compares differently: ``(x,) == (x,)``
    holds for a NaN ``x``)."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    if names:
        get = operator.attrgetter(names[0])
        return lambda obj: (get(obj),)
    return lambda obj: ()


class ValueObject:
    """The base of every ``@value_class``: its shared ``__repr__``, ``__eq__``, ``__hash__``."""

    __slots__ = ()

    # Set on each class by ``value_class``, from its own fields.
    _compare_key: Callable[[Any], tuple[Any, ...]]
    _hash_key: Callable[[Any], tuple[Any, ...]]
    _repr_fields: tuple[str, ...]

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._repr_fields)
        return f"{self.__class__.__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            key = self._compare_key
            return key(self) == key(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._hash_key(self))


def value_class(*, frozen: bool = True, kw_only: bool = False) -> Callable[[C], C]:
    """``@dataclass(frozen=frozen, slots=True, kw_only=kw_only)`` for a subclass of
    ``ValueObject`` that defines none of ``__eq__``, ``__hash__``, ``__repr__`` itself (a class
    that does stays a plain dataclass: its own methods would change what the generated
    ones do to it)."""

    def wrap(cls: C) -> C:
        if not issubclass(cls, ValueObject):
            raise TypeError(f"{cls.__qualname__}: a value_class must subclass ValueObject")
        own = [name for name in _OWN_METHODS if name in vars(cls)]
        if own:
            raise TypeError(f"{cls.__qualname__} defines {', '.join(own)}: use @dataclass")
        made = dataclasses.dataclass(cls, frozen=frozen, slots=True, kw_only=kw_only, repr=False, eq=False)
        fields = dataclasses.fields(made)
        made._compare_key = staticmethod(_tuple_of(tuple(f.name for f in fields if f.compare)))
        made._hash_key = staticmethod(
            _tuple_of(tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash)))
        )
        made._repr_fields = tuple(f.name for f in fields if f.repr)
        if not frozen:
            made.__hash__ = None  # as a mutable dataclass with eq: unhashable
        return made

    return wrap
