"""python-hcl2's LALR parser, from parse tables generated when trailscan is built.

Lark turns a grammar into LALR tables in about 1.4 s. python-hcl2 pays that on its first
use and pickles the result next to its own code (``hcl2/.lark_cache.bin``), so every fresh
CI environment pays it once, and every later run unpickles a file that any step of a
workflow could have replaced: loading it runs whatever it holds. trailscan builds the
tables instead when its package is built or installed (``setup.py``'s ``build_py`` writes
``_hcl_tables.py`` beside this module) and ships them as a Python module of plain
literals, which is code of the package like any other and is never written at run time.

The module holds the tables pre-resolved, so loading them is a few passes over tuples
rather than lark's generic deserializer (which walked 26,000 nested dictionaries, one
``{'@': N}`` per reduce action of the 1,045 LALR states: 40 ms of a one-file scan with the
import, now 10 ms): the states as token names and action codes, and lark's rules and
terminals as one list of distinct objects, each a class name and its serialized fields,
built by lark's own ``Serialize`` protocol (``__new__``, the fields, ``_deserialize``).
The rest (options, lexer and parser configuration) is lark's serialized form, loaded by
lark. ``tests/test_parse_tables.py`` checks that the result equals what lark's own loader
makes of lark's own serialization.

A run uses the shipped tables only when they were made from the grammar file and the lark
version installed now; otherwise (python-hcl2 or lark upgraded under an installed
trailscan, a checkout that was never built) it builds them in memory, writes nothing, and
``tests/test_parse_tables.py`` fails until the package is rebuilt.

The grammar and the post-lexer are python-hcl2's own: trailscan reads python-hcl2's parse
trees, so it must parse exactly as python-hcl2 does.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import lark
from lark import Lark, Tree

TABLES_FILE = "_hcl_tables.py"
# The options ``build_parser`` gives lark and the layout of the tables module, as a
# version: change it with them.
TABLES_FORMAT = 2
# How a field of a serialized lark object is stored in OBJECTS (see ``_ObjectTable``).
VALUE, OBJECT, OBJECTS, LIST = "value", "object", "objects", "list"


def grammar_text() -> str:
    """python-hcl2's grammar, found without importing the ``hcl2`` package."""
    spec = importlib.util.find_spec("hcl2")
    if spec is None or spec.origin is None:
        raise ImportError("python-hcl2 is not installed")
    return (Path(spec.origin).parent / "hcl2.lark").read_text(encoding="utf-8")


def fingerprint(grammar: str) -> tuple[int, str, str]:
    """What the tables depend on: the options, the lark version and the grammar."""
    return TABLES_FORMAT, lark.__version__, hashlib.sha256(grammar.encode("utf-8")).hexdigest()


def _post_lexer() -> Any:  # noqa: ANN401 - python-hcl2's PostLexer, untyped
    """python-hcl2's post-lexer. Its module needs only lark, so it is loaded by itself: a
    run is spared the rest of the ``hcl2`` package (API, transformer, serialisers: some
    10 ms of imports) that trailscan never calls."""
    module = sys.modules.get("hcl2.postlexer")
    if module is None:
        spec = importlib.util.find_spec("hcl2")
        path = Path(spec.origin).parent / "postlexer.py" if spec and spec.origin else None
        loader = importlib.util.spec_from_file_location("trailscan_hcl2_postlexer", path) if path else None
        try:
            if loader is None or loader.loader is None:
                raise ImportError("hcl2/postlexer.py not found")
            module = importlib.util.module_from_spec(loader)
            loader.loader.exec_module(module)
        except ImportError:  # a python-hcl2 whose post-lexer needs its package
            from hcl2 import postlexer as module
    return module.PostLexer()


def build_parser(grammar: str | None = None) -> Lark:
    """Build the parser from the grammar, in memory only (no ``cache=``: nothing is written)."""
    return Lark(
        grammar if grammar is not None else grammar_text(),
        parser="lalr",
        propagate_positions=True,
        postlex=_post_lexer(),
    )


def _lark_classes() -> dict[str, type]:
    """The classes lark's parser serialization memoizes (rules and terminals) and the
    classes their fields hold: the only ones OBJECTS may name."""
    from lark.grammar import NonTerminal, Rule, RuleOptions, Terminal
    from lark.lexer import PatternRE, PatternStr, TerminalDef

    return {c.__name__: c for c in (Rule, RuleOptions, NonTerminal, Terminal, TerminalDef, PatternStr, PatternRE)}


class _ObjectTable:
    """Lark's serialized rules and terminals (nested dictionaries, one per object, a
    symbol repeated at every use) as a list of distinct objects, children first.

    An entry is ``(class name, field values)``; ``SHAPES`` names each class's fields and
    how each is stored: a plain value, an object (its index), a list of objects (their
    indices) or a list of plain values (a tuple). Equal serialized objects become one
    object: lark never changes a symbol, a rule's options or a pattern once loaded."""

    def __init__(self) -> None:
        from lark.utils import Serialize

        self.classes = _lark_classes()
        for cls in self.classes.values():
            # OBJECTS is loaded by lark's generic protocol: a class with its own would differ
            if cls.deserialize.__func__ is not Serialize.deserialize.__func__:
                raise TypeError(f"lark's {cls.__name__} deserializes itself: update grammar.py")
        self.entries: list[tuple[str, tuple[Any, ...]]] = []
        self.shapes: dict[str, tuple[tuple[str, str], ...]] = {}
        self._index: dict[str, int] = {}

    def add(self, serialized: dict[str, Any]) -> int:
        key = repr(serialized)
        if key in self._index:
            return self._index[key]
        name = serialized["__type__"]
        if name not in self.classes:
            raise TypeError(f"lark serialized an unexpected {name}: update grammar.py")
        shape: list[tuple[str, str]] = []
        values: list[Any] = []
        for field, value in serialized.items():
            if field == "__type__":
                continue
            kind, stored = self._field(value)
            shape.append((field, kind))
            values.append(stored)
        self._merge_shape(name, shape)
        self.entries.append((name, tuple(values)))
        self._index[key] = len(self.entries) - 1
        return self._index[key]

    def _field(self, value: Any) -> tuple[str, Any]:  # noqa: ANN401 - lark's serialized values
        if isinstance(value, dict):
            if "__type__" not in value:
                raise TypeError(f"unexpected field value {value!r}: update grammar.py")
            return OBJECT, self.add(value)
        if isinstance(value, list):
            if value and all(isinstance(v, dict) for v in value):
                return OBJECTS, tuple(self.add(v) for v in value)
            _plain(value)
            return LIST, tuple(value)
        _plain(value)
        return VALUE, value

    def _merge_shape(self, name: str, shape: list[tuple[str, str]]) -> None:
        known = self.shapes.get(name)
        if known is None:
            self.shapes[name] = tuple(shape)
            return
        if [f for f, _ in known] != [f for f, _ in shape]:
            raise TypeError(f"lark serialized {name} with different fields: update grammar.py")
        merged = []
        for (field, old), (_, new) in zip(known, shape, strict=True):
            if old != new and {old, new} != {LIST, OBJECTS}:
                raise TypeError(f"lark serialized {name}.{field} two ways: update grammar.py")
            # an empty list reads as plain values; the same field elsewhere holds objects
            merged.append((field, OBJECTS if OBJECTS in (old, new) else old))
        self.shapes[name] = tuple(merged)


def _plain(value: Any) -> None:  # noqa: ANN401 - lark's serialized values
    items = value if isinstance(value, list | tuple) else (value,)
    for item in items:
        if not isinstance(item, str | int | float | bool | type(None)):
            raise TypeError(f"unexpected field value {value!r}: update grammar.py")


def table_literals(parser: Lark) -> dict[str, Any]:
    """The values the tables module holds, from a parser built from the grammar.

    ``DATA`` is lark's own serialization of the parser (``memo_serialize``) less what the
    others hold: the LALR states as ``STATE_TOKENS`` (per state, the tokens it accepts)
    and ``STATE_ACTIONS`` (per token, the next state of a shift, or the number of states
    plus the rule's memo id for a reduce); lark's memo (rules and terminals) as
    ``OBJECTS``/``SHAPES`` and ``MEMO`` (memo id, object)."""
    from lark.grammar import Rule
    from lark.lark import _LOAD_ALLOWED_OPTIONS
    from lark.lexer import TerminalDef

    data, memo = parser.memo_serialize([TerminalDef, Rule])
    # the options a load supplies itself (the post-lexer) are not part of the tables
    data["options"] = {k: v for k, v in data["options"].items() if k not in _LOAD_ALLOWED_OPTIONS}
    table = data["parser"]["parser"]
    tokens, states = table.pop("tokens"), table.pop("states")
    if list(states) != list(range(len(states))):
        raise TypeError("lark numbered its LALR states unexpectedly: update grammar.py")
    count = len(states)
    objects = _ObjectTable()
    memo_objects = tuple((memo_id, objects.add(value)) for memo_id, value in memo.items())
    return {
        "DATA": data,
        "SHAPES": objects.shapes,
        "OBJECTS": tuple(objects.entries),
        "MEMO": memo_objects,
        "STATE_TOKENS": tuple(tuple(tokens[t] for t in actions) for actions in states.values()),
        "STATE_ACTIONS": tuple(
            tuple(arg if kind == 0 else count + arg["@"] for kind, arg in actions.values())
            for actions in states.values()
        ),
    }


def tables_source(grammar: str | None = None) -> str:
    """The text of ``_hcl_tables.py``: the built parser's tables as Python literals."""
    grammar = grammar if grammar is not None else grammar_text()
    literals = table_literals(build_parser(grammar))
    tables_format, lark_version, sha256 = fingerprint(grammar)
    return (
        '"""Generated by scanner.parsers.terraform.grammar when trailscan was built: '
        "python-hcl2's\nLALR parse tables. Do not edit; rebuild the package instead.\"\"\"\n\n"
        f"TABLES_FORMAT = {tables_format!r}\n"
        f"LARK_VERSION = {lark_version!r}\n"
        f"GRAMMAR_SHA256 = {sha256!r}\n"
        + "".join(f"{name} = {value!r}\n" for name, value in literals.items())
    )


def write_tables(target: Path) -> None:
    """Write ``_hcl_tables.py`` (at build time, never at run time)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(target.name + ".tmp")
    staging.write_text(tables_source(), encoding="utf-8")
    staging.replace(target)


def _shipped_tables() -> ModuleType | None:
    try:
        from scanner.parsers.terraform import _hcl_tables  # type: ignore[attr-defined]
    except ImportError:
        return None
    return _hcl_tables


def shipped_tables_match(grammar: str | None = None) -> bool:
    """True when the package holds tables made from this grammar by this lark."""
    tables = _shipped_tables()
    if tables is None:
        return False
    grammar = grammar if grammar is not None else grammar_text()
    shipped = (
        getattr(tables, "TABLES_FORMAT", None),
        getattr(tables, "LARK_VERSION", None),
        getattr(tables, "GRAMMAR_SHA256", None),
    )
    return shipped == fingerprint(grammar)


@functools.cache
def hcl_parser() -> Lark:
    """The one parser of a run: the shipped tables when they match, else built in memory."""
    # Imported here: setup.py loads this module by path to write the tables, in a build
    # environment where the ``scanner`` package does not exist yet.
    from scanner.lifetime import for_good

    grammar = grammar_text()
    # Loading creates some 100,000 objects that live as long as the process: a cyclic
    # collection in the middle of it finds nothing to free and costs a third of the load,
    # and the collections after it walked them all again (10 ms of a one-file scan).
    with for_good():
        tables = _shipped_tables()
        if tables is None or not shipped_tables_match(grammar):
            return build_parser(grammar)
        return load_tables(tables, _post_lexer())


class _ParserWithStates:
    """lark's hook for loading the LALR parser (``_plugins["LALR_Parser"]``): lark's own
    loader with no states, then the states built from the tables."""

    def __init__(self, states: dict[int, dict[str, tuple[Any, Any]]]) -> None:
        self.states = states

    def deserialize(self, data: dict[str, Any], memo: dict[int, Any], callbacks: Any,  # noqa: ANN401
                    debug: bool = False) -> Any:  # noqa: ANN401 - lark's LALR_Parser
        from lark.parsers.lalr_parser import LALR_Parser

        parser = LALR_Parser.deserialize({"tokens": {}, "states": {}, **data}, memo, callbacks, debug)
        parser._parse_table.states = self.states
        return parser


def load_tables(tables: ModuleType, postlex: Any, *, propagate_positions: bool = True) -> Lark:  # noqa: ANN401
    """The parser from a tables module (``table_literals``), with python-hcl2's post-lexer."""
    from lark.parsers.lalr_analysis import Reduce, Shift

    classes = _lark_classes()
    built: list[Any] = []
    for name, values in tables.OBJECTS:
        cls = classes[name]
        obj = cls.__new__(cls)
        for (field, kind), value in zip(tables.SHAPES[name], values, strict=True):
            if kind == OBJECT:
                value = built[value]
            elif kind == OBJECTS:
                value = [built[i] for i in value]
            elif kind == LIST:
                value = list(value)
            setattr(obj, field, value)
        if hasattr(obj, "_deserialize"):
            obj._deserialize()
        built.append(obj)
    memo = {memo_id: built[index] for memo_id, index in tables.MEMO}
    count = len(tables.STATE_TOKENS)
    # action code -> action: a shift to each state, then a reduce by each memoized rule
    actions: list[tuple[Any, Any] | None] = [(Shift, state) for state in range(count)]
    actions += [(Reduce, memo[i]) if i in memo else None for i in range(max(memo) + 1)]
    action = actions.__getitem__
    states = {
        state: dict(zip(tokens, map(action, codes), strict=True))
        for state, (tokens, codes) in enumerate(zip(tables.STATE_TOKENS, tables.STATE_ACTIONS, strict=True))
    }
    # A memo of objects already built: lark's loader passes anything but dicts and lists through.
    parser = Lark._load_from_dict(tables.DATA, memo, postlex=postlex, propagate_positions=propagate_positions,
                                  _plugins={"LALR_Parser": _ParserWithStates(states)})
    parser.options._plugins = {}  # the hook did its work; a parser loaded by lark has none
    return parser


def parse_hcl(text: str) -> Tree:
    """``hcl2.parses_to_tree`` with trailscan's parser: the text and one extra newline,
    because the grammar cannot see the end of a file as the end of a line."""
    return hcl_parser().parse(text + "\n")
