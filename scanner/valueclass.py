"""Dataclasses that cost less to define: ``@value_class`` on a subclass of ``ValueObject``.

Python 3.11 writes each method of a dataclass as source text and compiles it when the
class is defined: a ``@dataclass(frozen=True, slots=True)`` compiles six (``__init__``,
``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__``), about 0.6 ms a
class, and a one-file scan defines some 120 classes, of which it instantiates 70: paid at
every start. A value class is that dataclass (slots; frozen unless told otherwise; the
same ``__init__``, the same immutability) with nothing compiled when it is defined:

- ``__repr__``, ``__eq__`` and ``__hash__`` are ``ValueObject``'s, written once and reading
  the class's fields: the same repr text (``Name(field=value, ...)``, ``...`` for a
  recursive one), equality only between instances of the same class over the fields that
  compare, the hash of the same tuple, and no hash for a mutable class;
- a frozen class's ``__setattr__`` and ``__delattr__`` (the guards that raise
  ``FrozenInstanceError``) are closures over the class and its field names, and its
  pickling methods are ``ValueObject``'s (what ``dataclass`` gives a frozen slotted class);
- ``__init__`` is compiled the first time anything asks for it (the first instance, or
  ``inspect.signature``): the one ``dataclass`` writes, the same parameters (positional,
  then keyword-only), the same defaults and default factories (``<factory>``), fields with
  ``init=False`` set from their default or factory, ``__post_init__`` called last.

``dataclasses.fields``, ``replace``, ``is_dataclass``, ``asdict`` and pickling work as for
any dataclass. The class is processed by ``dataclass(init=False, frozen=False)``, so its
``__dataclass_params__`` say so; frozen inheritance is checked here instead (a frozen
value class derives only from frozen ones, a mutable one only from mutable ones).
``InitVar`` fields are not supported (a value class with one is refused).
"""

from __future__ import annotations

import builtins
import dataclasses
import keyword
import operator
import reprlib
from collections.abc import Callable
from typing import Any, TypeVar

C = TypeVar("C", bound=type)

_OWN_METHODS = ("__eq__", "__hash__", "__repr__")
MISSING = dataclasses.MISSING


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
    """The base of every ``@value_class``: its shared ``__repr__``, ``__eq__``, ``__hash__``
    and (frozen classes) pickling methods."""

    __slots__ = ()

    # Set on each class by ``value_class``, from its own fields.
    _compare_key: Callable[[Any], tuple[Any, ...]]
    _hash_key: Callable[[Any], tuple[Any, ...]]
    _repr_fields: tuple[str, ...]
    _value_frozen: bool

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

    def _frozen_getstate(self) -> list[Any]:
        return [getattr(self, f.name) for f in dataclasses.fields(self)]  # type: ignore[arg-type]

    def _frozen_setstate(self, state: list[Any]) -> None:
        for f, value in zip(dataclasses.fields(self), state, strict=False):  # type: ignore[arg-type]
            object.__setattr__(self, f.name, value)  # past the frozen guard, as dataclass does


class _Factory:
    """The default an ``__init__`` parameter with a default factory shows."""

    def __repr__(self) -> str:
        return "<factory>"


FACTORY = _Factory()


def _init_source(cls: type) -> tuple[str, dict[str, Any]]:
    """The text of the ``__init__`` ``dataclass`` would write for ``cls``, and the names
    it reads (defaults, factories)."""
    fields = dataclasses.fields(cls)
    me = "__value_self__" if any(f.name == "self" for f in fields) else "self"
    names: dict[str, Any] = {"__value_set__": object.__setattr__, "__value_factory__": FACTORY}
    positional: list[str] = []
    keyword_only: list[str] = []
    body: list[str] = []
    for f in fields:
        if not f.name.isidentifier() or keyword.iskeyword(f.name):  # only names go into the text
            raise TypeError(f"{cls.__qualname__}: field name {f.name!r} is not an identifier")
        default = f"__value_default_{f.name}__"
        make = f"__value_make_{f.name}__"
        if f.init:
            param = f.name
            if f.default is not MISSING:
                names[default] = f.default
                param += f"={default}"
            elif f.default_factory is not MISSING:
                param += "=__value_factory__"
            (keyword_only if f.kw_only else positional).append(param)
        if f.default_factory is not MISSING:
            names[make] = f.default_factory
            value = f"{make}() if {f.name} is __value_factory__ else {f.name}" if f.init else f"{make}()"
        elif f.init:
            value = f.name
        elif f.default is not MISSING:
            names[default] = f.default
            value = default
        else:
            continue  # init=False and no default: left unset, as dataclass leaves it
        if cls._value_frozen:
            body.append(f"__value_set__({me}, {f.name!r}, {value})")
        else:
            body.append(f"{me}.{f.name} = {value}")
    if hasattr(cls, "__post_init__"):
        body.append(f"{me}.__post_init__()")
    params = [me, *positional, *(["*", *keyword_only] if keyword_only else [])]
    return f"def __init__({', '.join(params)}):\n" + "".join(f"    {line}\n" for line in body or ["pass"]), names


def _compile_init(cls: type) -> Callable[..., None]:
    source, names = _init_source(cls)
    namespace: dict[str, Any] = {"__builtins__": builtins, "__name__": cls.__module__, **names}
    exec(source, namespace)  # noqa: S102 - our own text, from the class's field names
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {f.name: f.type for f in dataclasses.fields(cls) if f.init} | {"return": None}
    return init


class _DeferredInit:
    """A value class's ``__init__`` until anything asks for it: then compiled, put on the
    class in its place, and returned (bound to the instance being made, if any)."""

    __slots__ = ("owner",)

    def __init__(self, owner: type) -> None:
        self.owner = owner

    def __get__(self, obj: object, objtype: type | None = None) -> Any:  # noqa: ANN401 - a function or a bound method
        init = _compile_init(self.owner)
        self.owner.__init__ = init  # type: ignore[misc]
        return init if obj is None else init.__get__(obj, objtype)


def _frozen_guards(cls: type, names: frozenset[str]) -> tuple[Callable[..., None], Callable[..., None]]:
    """``dataclass``'s ``__setattr__`` and ``__delattr__`` for a frozen class."""

    def __setattr__(self: object, name: str, value: object) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)  # type: ignore[misc]

    def __delattr__(self: object, name: str) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)  # type: ignore[misc]

    __setattr__.__qualname__ = f"{cls.__qualname__}.__setattr__"
    __delattr__.__qualname__ = f"{cls.__qualname__}.__delattr__"
    return __setattr__, __delattr__


def _check(cls: type, frozen: bool) -> None:
    """What ``dataclass`` would refuse, and what a value class cannot do."""
    if not issubclass(cls, ValueObject):
        raise TypeError(f"{cls.__qualname__}: a value_class must subclass ValueObject")
    own = [name for name in _OWN_METHODS if name in vars(cls)]
    if own:
        raise TypeError(f"{cls.__qualname__} defines {', '.join(own)}: use @dataclass")
    for name in ("__setattr__", "__delattr__") if frozen else ():
        if name in vars(cls):
            raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
    bases = [b for b in cls.__mro__[1:] if dataclasses.is_dataclass(b)]
    if any(not issubclass(b, ValueObject) for b in bases):
        raise TypeError(f"{cls.__qualname__}: a value_class derives only from value classes")
    if bases and any(b._value_frozen for b in bases) and not frozen:
        raise TypeError("cannot inherit non-frozen dataclass from a frozen one")
    if bases and not any(b._value_frozen for b in bases) and frozen:
        raise TypeError("cannot inherit frozen dataclass from a non-frozen one")


def _check_fields(cls: type) -> None:
    real = {f.name for f in dataclasses.fields(cls)}
    for name, f in cls.__dataclass_fields__.items():  # type: ignore[attr-defined]
        if name not in real and "InitVar" in str(f.type):
            raise TypeError(f"{cls.__qualname__}.{name}: a value_class has no InitVar (use @dataclass)")
    seen_default = False
    for f in dataclasses.fields(cls):
        if not f.init or f.kw_only:
            continue
        if f.default is not MISSING or f.default_factory is not MISSING:
            seen_default = True
        elif seen_default:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")


def value_class(*, frozen: bool = True, kw_only: bool = False) -> Callable[[C], C]:
    """``@dataclass(frozen=frozen, slots=True, kw_only=kw_only)`` for a subclass of
    ``ValueObject`` that defines none of ``__eq__``, ``__hash__``, ``__repr__`` itself (a
    class that does stays a plain dataclass: its own methods would change what the
    generated ones do to it)."""

    def wrap(cls: C) -> C:
        _check(cls, frozen)
        documented = bool(cls.__doc__)
        made = dataclasses.dataclass(cls, init=False, frozen=False, slots=True, kw_only=kw_only,
                                     repr=False, eq=False)
        _check_fields(made)
        fields = dataclasses.fields(made)
        made._value_frozen = frozen
        if "__init__" not in vars(made):  # a class's own __init__ is kept, as dataclass keeps it
            made.__init__ = _DeferredInit(made)
        if frozen:
            made.__setattr__, made.__delattr__ = _frozen_guards(made, frozenset(f.name for f in fields))
            made.__getstate__ = ValueObject._frozen_getstate
            made.__setstate__ = ValueObject._frozen_setstate
        made._compare_key = staticmethod(_tuple_of(tuple(f.name for f in fields if f.compare)))
        made._hash_key = staticmethod(
            _tuple_of(tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash)))
        )
        made._repr_fields = tuple(f.name for f in fields if f.repr)
        if not frozen:
            made.__hash__ = None  # as a mutable dataclass with eq: unhashable
        if not documented:
            # dataclass's docstring for a class without one, read from the (now compiled)
            # __init__; dataclass read it while the class had none of its own
            import inspect

            made.__doc__ = made.__name__ + str(inspect.signature(made)).replace(" -> None", "")
        return made

    return wrap
