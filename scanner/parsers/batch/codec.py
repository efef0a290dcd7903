"""Models as JSON data and back, for the cache between runs.

A cache file sits in a directory other programs can write to, so reading one must never
run code: the format is plain JSON, and the only classes it can name are the frozen
dataclasses and enums defined in ``scanner.model`` (looked up in a table built from that
module, never imported by name). The encoding is derived from each dataclass's fields, so
a field added to a record is carried without a change here; a cache written before the
change is not read (``SCHEMA`` holds every class's field names and types, and it is part
of every cache key).

JSON has one array and one object type where the model has tuples, lists and dicts, so:

* ``None``, booleans, integers and strings are themselves; a float is ``{"$f": repr}``
  (NaN and infinities included);
* a tuple is a JSON array; a list is ``{"$list": [...]}``; a dict is ``{"$dict": [[key,
  value], ...]}`` in its order; a set or frozenset is ``{"$set"/"$frozenset": [...]}``;
* a dataclass is ``{"$": "ClassName", field: value, ...}``, fields equal to their default
  left out; an enum member is ``{"$e": "ClassName", "v": value}``.

Anything else cannot be encoded (``TypeError``: the unit is then simply not cached), and
anything unexpected while decoding is a ``ValueError`` (the entry is ignored).
"""

from __future__ import annotations

import dataclasses
import enum
import math
from typing import Any

from scanner import model as _model
from scanner.digest import sha256

__all__ = ["SCHEMA", "decode", "encode"]


def _classes() -> tuple[dict[str, type], dict[str, type[enum.Enum]]]:
    dataclass_types: dict[str, type] = {}
    enum_types: dict[str, type[enum.Enum]] = {}
    for name, value in sorted(vars(_model).items()):
        if not isinstance(value, type) or value.__module__ != _model.__name__:
            continue
        if issubclass(value, enum.Enum):
            enum_types[name] = value
        elif dataclasses.is_dataclass(value):
            dataclass_types[name] = value
    return dataclass_types, enum_types


_DATACLASSES, _ENUMS = _classes()
_MISSING = dataclasses.MISSING
# Per class: (field name, its default or _MISSING) in order, and the names passed to
# ``__init__`` (read once: ``dataclasses.fields`` builds its answer on every call). A
# field neither passed to ``__init__`` nor compared (``Model.cache``: indexes derived
# from the records) is not part of the value: it is not carried, and starts afresh.
_FIELDS: dict[type, tuple[tuple[str, object], ...]] = {
    cls: tuple((f.name, f.default) for f in dataclasses.fields(cls) if f.init or f.compare)
    for cls in _DATACLASSES.values()
}
_INIT: dict[type, frozenset[str]] = {
    cls: frozenset(f.name for f in dataclasses.fields(cls) if f.init) for cls in _DATACLASSES.values()
}
# Fields carried but set after ``__init__`` (not passed to it).
_LATE: dict[type, frozenset[str]] = {
    cls: frozenset(name for name, _ in _FIELDS[cls]) - _INIT[cls] for cls in _DATACLASSES.values()
}


def _schema() -> str:
    parts = []
    for name, cls in _DATACLASSES.items():
        fields = ",".join(f"{f.name}:{f.type}" for f in dataclasses.fields(cls))
        parts.append(f"{name}({fields})")
    for name, cls in _ENUMS.items():
        parts.append(f"{name}[{','.join(f'{m.name}={m.value!r}' for m in cls)}]")
    return sha256("\n".join(parts).encode()).hexdigest()[:16]


# Changes whenever a model class gains, loses or retypes a field (or an enum a member).
SCHEMA = _schema()


def encode(value: Any) -> Any:  # noqa: ANN401 - any model value
    """``value`` as JSON data (see the module docstring)."""
    if isinstance(value, enum.Enum):
        name = type(value).__name__
        if _ENUMS.get(name) is not type(value):
            raise TypeError(f"cannot encode enum {type(value)!r}")
        return {"$e": name, "v": encode(value.value)}
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return {"$f": repr(value)}
    if isinstance(value, tuple):
        return [encode(v) for v in value]
    if isinstance(value, list):
        return {"$list": [encode(v) for v in value]}
    if isinstance(value, dict):
        return {"$dict": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, (set, frozenset)):
        items = sorted((encode(v) for v in value), key=repr)
        return {"$frozenset" if isinstance(value, frozenset) else "$set": items}
    cls = type(value)
    table = _FIELDS.get(cls)
    if table is not None:
        out: dict[str, Any] = {"$": cls.__name__}
        for name, default in table:
            item = getattr(value, name)
            if default is not _MISSING and type(item) is type(default) and item == default:
                continue
            out[name] = encode(item)
        return out
    raise TypeError(f"cannot encode {type(value).__name__}")


def _decode_object(data: dict[str, Any]) -> Any:  # noqa: ANN401 - any model value
    if "$" in data:
        cls = _DATACLASSES.get(data["$"]) if isinstance(data["$"], str) else None
        if cls is None:
            raise ValueError(f"unknown class {data['$']!r}")
        init = _INIT[cls]
        kwargs: dict[str, Any] = {}
        late: dict[str, Any] = {}
        for key, raw in data.items():
            if key in init:
                kwargs[key] = raw if raw is None or type(raw) is str else _decode(raw)
            elif key == "$":
                continue
            elif key in _LATE[cls]:
                late[key] = _decode(raw)
            else:
                raise ValueError(f"{cls.__name__} has no field {key!r}")
        try:
            obj = cls(**kwargs)
        except TypeError as exc:
            raise ValueError(f"cannot build {cls.__name__}: {exc}") from None
        for key, item in late.items():
            object.__setattr__(obj, key, item)
        return obj
    if len(data) == 2 and "$e" in data and "v" in data:
        enum_cls = _ENUMS.get(data["$e"]) if isinstance(data["$e"], str) else None
        if enum_cls is None:
            raise ValueError(f"unknown enum {data['$e']!r}")
        return enum_cls(_decode(data["v"]))
    if len(data) != 1:
        raise ValueError("not an encoded value")
    (tag, items), = data.items()
    if tag == "$f" and isinstance(items, str):
        number = float(items)
        if repr(number) != items and not math.isnan(number):
            raise ValueError(f"bad float {items!r}")
        return number
    if not isinstance(items, list):
        raise ValueError(f"{tag}: not a list")
    if tag == "$list":
        return [_decode(v) for v in items]
    if tag == "$dict":
        out = {}
        for pair in items:
            if not isinstance(pair, list) or len(pair) != 2:
                raise ValueError("$dict: not a pair")
            out[_decode(pair[0])] = _decode(pair[1])
        return out
    if tag == "$set":
        return {_decode(v) for v in items}
    if tag == "$frozenset":
        return frozenset(_decode(v) for v in items)
    raise ValueError(f"unknown tag {tag!r}")


def decode(data: Any) -> Any:  # noqa: ANN401 - any model value
    """The value ``encode`` made ``data`` from; ``ValueError`` on anything else."""
    try:
        return _decode(data)
    except (TypeError, RecursionError) as exc:  # an unhashable key, absurd nesting
        raise ValueError(f"cannot decode: {type(exc).__name__}") from None


def _decode(data: Any) -> Any:  # noqa: ANN401 - any model value
    kind = type(data)
    if data is None or kind is str or kind is bool or kind is int:
        return data
    if kind is list:
        return tuple([v if v is None or type(v) is str else _decode(v) for v in data])
    if kind is dict:
        return _decode_object(data)
    raise ValueError(f"not an encoded value: {kind.__name__}")
