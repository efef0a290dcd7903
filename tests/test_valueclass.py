"""Value classes (``scanner.valueclass``) are the dataclasses they stand for: for every one
in the package, the ``__init__`` (parameters, kinds, defaults, what it sets), the frozen
guards, the docstring, pickling, ``replace`` and ``fields`` match a ``@dataclass`` made
from the same fields; nothing is compiled until the class is first used."""

from __future__ import annotations

import dataclasses
import gc
import importlib
import inspect
import pickle
import pkgutil
from typing import Any, ClassVar

import pytest

import policies
import scanner
from scanner.valueclass import ValueObject, value_class


def _all_value_classes() -> list[type]:
    for package in (scanner, policies):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if module.name.endswith(("__main__", "_hcl_tables")):
                continue
            importlib.import_module(module.name)
    gc.collect()  # the classes dataclass(slots=True) replaced
    found: list[type] = []
    stack = [ValueObject]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if "__slots__" in vars(sub) and dataclasses.is_dataclass(sub):
                found.append(sub)
    return sorted(set(found), key=lambda c: (c.__module__, c.__qualname__))


VALUE_CLASSES = _all_value_classes()


def _reference(cls: type) -> type:
    """``@dataclass(frozen=..., slots=True)`` over the same fields (inherited ones
    included, in order), each declared with the same ``field()`` settings."""
    namespace: dict[str, Any] = {"__annotations__": {}, "__module__": cls.__module__,
                                 "__qualname__": cls.__qualname__}
    for f in dataclasses.fields(cls):
        namespace["__annotations__"][f.name] = f.type
        namespace[f.name] = dataclasses.field(
            default=f.default, default_factory=f.default_factory, init=f.init, repr=f.repr,
            hash=f.hash, compare=f.compare, kw_only=f.kw_only,
        )
    if "__post_init__" in dir(cls):
        namespace["__post_init__"] = cls.__post_init__
    return dataclasses.dataclass(type(cls.__name__, (), namespace), frozen=cls._value_frozen, slots=True)


def _arguments(cls: type) -> dict[str, Any]:
    """A value for every ``__init__`` parameter without a default (picklable, comparable)."""
    return {f.name: f"{f.name}-value" for f in dataclasses.fields(cls)
            if f.init and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}


def _state(obj: object) -> list[tuple[str, Any]]:
    out = []
    for f in dataclasses.fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name, "<unset>")
        out.append((f.name, value if f.default_factory is dataclasses.MISSING else (type(value), value)))
    return out


def test_every_value_class_is_found() -> None:
    names = {c.__qualname__ for c in VALUE_CLASSES}
    assert len(VALUE_CLASSES) > 100
    assert {"Attr", "Trail", "Bucket", "Model", "Statement"} <= names


@pytest.mark.parametrize("cls", VALUE_CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_value_class_matches_its_dataclass(cls: type) -> None:
    ref = _reference(cls)
    assert str(inspect.signature(cls)) == str(inspect.signature(ref))
    ours_params = inspect.signature(cls.__init__).parameters
    ref_params = inspect.signature(ref.__init__).parameters
    assert list(ours_params) == list(ref_params)
    for name, param in ref_params.items():
        mine = ours_params[name]
        assert (mine.kind, mine.annotation) == (param.kind, param.annotation), name
        if param.default is inspect.Parameter.empty or repr(param.default) == "<factory>":
            assert repr(mine.default) == repr(param.default), name
        else:
            assert mine.default is param.default, name
    if cls.__doc__.startswith(cls.__name__ + "("):  # no docstring of its own: dataclass's
        assert cls.__doc__ == ref.__doc__
    assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"
    assert cls.__match_args__ == ref.__match_args__
    slots = [name for c in reversed(cls.__mro__) for name in vars(c).get("__slots__", ())]
    assert tuple(slots) == ref.__slots__

    kwargs = _arguments(cls)
    ours, theirs = cls(**kwargs), ref(**kwargs)
    assert _state(ours) == _state(theirs)
    first = next((f.name for f in dataclasses.fields(cls)), None)
    if cls._value_frozen and first is None:
        # (3.11's own guard fails here with a TypeError: it names the class slots replaced)
        with pytest.raises(dataclasses.FrozenInstanceError):
            ours.x = 1  # type: ignore[attr-defined]
    elif cls._value_frozen:
        for action in (lambda o: setattr(o, first, 1), lambda o: delattr(o, first)):
            with pytest.raises(dataclasses.FrozenInstanceError) as mine:
                action(ours)
            with pytest.raises(dataclasses.FrozenInstanceError) as reference:
                action(theirs)
            assert str(mine.value) == str(reference.value)
    else:
        assert type(ours).__hash__ is None
        if first is not None:
            setattr(ours, first, "changed")
            assert getattr(ours, first) == "changed"
            setattr(ours, first, getattr(theirs, first))
    copied = pickle.loads(pickle.dumps(ours))
    assert type(copied) is cls and _state(copied) == _state(ours)
    assert copied == ours
    if cls._value_frozen:
        try:
            expected = hash(theirs)
        except TypeError:  # a dict or list among the fields: no hash, as for the dataclass
            with pytest.raises(TypeError):
                hash(ours)
        else:
            assert hash(ours) == hash(copied) == expected
    assert dataclasses.replace(ours) == ours
    assert dataclasses.is_dataclass(ours) and dataclasses.fields(ours) == dataclasses.fields(cls)


def test_init_is_compiled_on_first_use_only() -> None:
    @value_class(kw_only=True)
    class Point(ValueObject):
        """A point."""

        x: int
        y: int = 0
        tags: tuple[str, ...] = dataclasses.field(default_factory=tuple)
        seen: dict[str, int] = dataclasses.field(default_factory=dict, init=False, compare=False)

    assert type(vars(Point)["__init__"]).__name__ == "_DeferredInit"  # nothing compiled yet
    p = Point(x=1)
    assert inspect.isfunction(vars(Point)["__init__"])  # compiled, and in its place
    assert (p.x, p.y, p.tags, p.seen) == (1, 0, (), {})
    assert Point(x=1).seen is not p.seen  # a factory runs for each instance
    assert p == Point(x=1, tags=()) and hash(p) == hash(Point(x=1))
    assert repr(p).endswith(".Point(x=1, y=0, tags=(), seen={})")
    with pytest.raises(TypeError):
        Point(1)  # keyword-only
    with pytest.raises(TypeError):
        Point()  # x is required
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'x'"):
        p.x = 2  # type: ignore[misc]


def test_post_init_and_positional_fields() -> None:
    calls: list[object] = []

    @value_class(frozen=False)
    class Counter(ValueObject):
        """A counter."""

        name: str
        count: int = 0
        limit: ClassVar[int] = 10

        def __post_init__(self) -> None:
            calls.append(self)

    c = Counter("a", 2)
    assert (c.name, c.count, calls) == ("a", 2, [c])
    assert Counter.limit == 10 and [f.name for f in dataclasses.fields(Counter)] == ["name", "count"]


def test_what_dataclass_refuses_is_refused() -> None:
    with pytest.raises(TypeError, match="non-default argument 'y' follows default argument"):

        @value_class()
        class Bad(ValueObject):
            """Bad."""

            x: int = 0
            y: int

    @value_class(frozen=False)
    class Mutable(ValueObject):
        """Mutable."""

        x: int

    with pytest.raises(TypeError, match="cannot inherit frozen dataclass from a non-frozen one"):

        @value_class()
        class FrozenChild(Mutable):
            """Frozen child."""

    with pytest.raises(TypeError, match="InitVar"):

        @value_class()
        class WithInitVar(ValueObject):
            """With an InitVar."""

            x: dataclasses.InitVar[int]

    with pytest.raises(TypeError, match="__setattr__"):

        @value_class()
        class OwnSetattr(ValueObject):
            """Own setattr."""

            x: int

            def __setattr__(self, name: str, value: object) -> None:
                object.__setattr__(self, name, value)


def test_inherited_fields_come_first() -> None:
    @value_class(kw_only=True)
    class Base(ValueObject):
        """Base."""

        ref: str

    @value_class(kw_only=True)
    class Child(Base):
        """Child."""

        extra: int = 1

    child = Child(ref="r")
    assert [f.name for f in dataclasses.fields(child)] == ["ref", "extra"]
    assert (child.ref, child.extra) == ("r", 1) and child != Base(ref="r")
