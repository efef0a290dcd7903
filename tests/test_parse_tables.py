"""The HCL parse tables ship with the package and are loaded, never built, by a run.

``setup.py``'s build hook writes ``scanner/parsers/terraform/_hcl_tables.py`` when the
package is built or installed (``pip install -e .`` included). If this file fails, the
installed python-hcl2 or lark changed since: run ``pip install -e .`` again.
"""

from __future__ import annotations

import copy
import functools
import os
import re
import subprocess
import sys
import textwrap
import types
from pathlib import Path
from typing import Any

import pytest
from lark import Lark

from scanner.parsers.terraform import grammar

ROOT = Path(__file__).resolve().parent.parent
TABLES = ROOT / "scanner" / "parsers" / "terraform" / grammar.TABLES_FILE


def _hcl_sources() -> list[Path]:
    found = [p for base in ("samples", "examples", "tests") for p in sorted((ROOT / base).rglob("*.tf"))]
    return found


@functools.cache
def _built() -> Lark:
    return grammar.build_parser()


def _lark_serialization(parser: Lark) -> tuple[dict[str, Any], dict[int, Any]]:
    """What lark's own cache would hold for ``parser`` (less the options a load supplies)."""
    from lark.grammar import Rule
    from lark.lark import _LOAD_ALLOWED_OPTIONS
    from lark.lexer import TerminalDef

    data, memo = parser.memo_serialize([TerminalDef, Rule])
    data["options"] = {k: v for k, v in data["options"].items() if k not in _LOAD_ALLOWED_OPTIONS}
    return data, memo


def _literals(module: types.ModuleType) -> dict[str, Any]:
    return {name: getattr(module, name) for name in
            ("DATA", "SHAPES", "OBJECTS", "MEMO", "STATE_TOKENS", "STATE_ACTIONS")}


def _as_module(literals: dict[str, Any]) -> types.ModuleType:
    module = types.ModuleType("tables_under_test")
    module.__dict__.update(literals)
    return module


def _expanded(literals: dict[str, Any]) -> tuple[dict[str, Any], dict[int, Any]]:
    """The tables module's literals back in lark's serialized form, written independently
    of the loader: the states with lark's token numbering (first seen, first numbered) and
    ``{'@': id}`` for each reduce, the memo as nested dictionaries."""
    data = copy.deepcopy(literals["DATA"])
    shapes, objects = literals["SHAPES"], literals["OBJECTS"]

    def expand(index: int) -> dict[str, Any]:
        name, values = objects[index]
        out: dict[str, Any] = {}
        for (field, kind), value in zip(shapes[name], values, strict=True):
            if kind == grammar.OBJECT:
                out[field] = expand(value)
            elif kind == grammar.OBJECTS:
                out[field] = [expand(i) for i in value]
            elif kind == grammar.LIST:
                out[field] = list(value)
            else:
                out[field] = value
        out["__type__"] = name
        return out

    memo = {memo_id: expand(index) for memo_id, index in literals["MEMO"]}
    count = len(literals["STATE_TOKENS"])
    numbers: dict[str, int] = {}
    states = {}
    for state, (tokens, codes) in enumerate(zip(literals["STATE_TOKENS"], literals["STATE_ACTIONS"], strict=True)):
        states[state] = {
            numbers.setdefault(token, len(numbers)): (0, code) if code < count else (1, {"@": code - count})
            for token, code in zip(tokens, codes, strict=True)
        }
    table = data["parser"]["parser"]
    data["parser"]["parser"] = {"tokens": {n: t for t, n in numbers.items()}, "states": states, **table}
    return data, memo


_ATOMS = (type(None), str, int, float, bool, bytes)
_CALLABLES = (types.FunctionType, types.BuiltinFunctionType, types.MethodType, type)


def _fields(obj: Any) -> dict[str, Any]:  # noqa: ANN401 - any part of a parser
    fields = dict(getattr(obj, "__dict__", {}))
    for cls in type(obj).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            if hasattr(obj, slot):
                fields[slot] = getattr(obj, slot)
    if isinstance(obj, functools.partial):
        fields.update(func=obj.func, args=obj.args, keywords=obj.keywords)
    return fields


def _difference(a: Any, b: Any, path: str = "parser", seen: set[tuple[int, int]] | None = None) -> str | None:  # noqa: ANN401
    """Where two parsers (or any parts of them) differ, or None: every attribute of every
    object they hold, dictionaries and lists in their order, functions by name. Object
    identity aside, two parsers without a difference hold the same tables and
    configuration."""
    seen = set() if seen is None else seen
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, _ATOMS):
        return None if a == b else f"{path}: {a!r} != {b!r}"
    if isinstance(a, types.ModuleType):
        return None if a is b else f"{path}: module {a.__name__} != {b.__name__}"
    if isinstance(a, re.Pattern):
        return None if (a.pattern, a.flags) == (b.pattern, b.flags) else f"{path}: {a!r} != {b!r}"
    if isinstance(a, _CALLABLES):
        same = getattr(a, "__qualname__", repr(a)) == getattr(b, "__qualname__", repr(b))
        return None if same else f"{path}: {a!r} != {b!r}"
    if (id(a), id(b)) in seen:
        return None
    seen.add((id(a), id(b)))
    if isinstance(a, dict):
        if len(a) != len(b):
            return f"{path}: {len(a)} entries != {len(b)}"
        for index, ((ka, va), (kb, vb)) in enumerate(zip(a.items(), b.items(), strict=True)):
            found = _difference(ka, kb, f"{path}<key {index}>", seen) or _difference(va, vb, f"{path}[{ka!r}]", seen)
            if found:
                return found
        return None
    if isinstance(a, list | tuple):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _difference(x, y, f"{path}[{index}]", seen)
            if found:
                return found
        return None
    if isinstance(a, set | frozenset):
        return None if a == b else f"{path}: {sorted(map(repr, a))} != {sorted(map(repr, b))}"
    fa, fb = _fields(a), _fields(b)
    if sorted(fa) != sorted(fb):
        return f"{path}: fields {sorted(fa)} != {sorted(fb)}"
    for name in sorted(fa):
        found = _difference(fa[name], fb[name], f"{path}.{name}", seen)
        if found:
            return found
    return None


def test_the_package_ships_tables_for_the_installed_python_hcl2_and_lark() -> None:
    assert TABLES.is_file(), "no parse tables: run `pip install -e .` (setup.py generates them)"
    assert grammar.shipped_tables_match(), (
        "the shipped parse tables were made from another python-hcl2 grammar or lark version: "
        "run `pip install -e .` to regenerate them"
    )


def _same_trees(actual_parser: Lark, expected_parser: Lark, *, same_tables: bool) -> int:
    """Same trees, positions included, over every .tf file of the repository; how many
    parsed. A file that fails must fail with the same error in both (and the same message
    when both hold the same tables: it lists the expected tokens in the states' order,
    which another build may number differently)."""
    sources = _hcl_sources()
    assert len(sources) > 200
    compared = 0
    for path in sources:
        text = path.read_text(encoding="utf-8", errors="replace") + "\n"
        try:
            expected = expected_parser.parse(text)
        except Exception as exc:  # noqa: BLE001 - the same error is expected from both
            with pytest.raises(type(exc)) as raised:
                actual_parser.parse(text)
            assert not same_tables or str(raised.value) == str(exc), path
            continue
        actual = actual_parser.parse(text)
        assert actual == expected, path
        assert [(t.type, t.line, t.column, t.end_line, t.end_column) for t in actual.scan_values(lambda _: True)] == [
            (t.type, t.line, t.column, t.end_line, t.end_column) for t in expected.scan_values(lambda _: True)
        ], path
        compared += 1
    return compared


def test_shipped_tables_parse_exactly_as_tables_built_from_the_grammar() -> None:
    assert _same_trees(grammar.hcl_parser(), _built(), same_tables=False) > 200


def test_the_tables_hold_exactly_lark_s_serialization() -> None:
    """Nothing is lost: the module's literals, read back into lark's serialized form,
    are what lark's ``memo_serialize`` gives for the same parser."""
    built = _built()
    assert _expanded(grammar.table_literals(built)) == _lark_serialization(built)


def test_loaded_tables_equal_what_lark_s_own_loader_makes() -> None:
    """``load_tables`` builds the parser lark's ``_load_from_dict`` builds from lark's own
    serialization: parse table (states, actions and their order), rules, terminals, lexer
    and parser configuration, options, callbacks, contextual lexers."""
    built = _built()
    literals = grammar.table_literals(built)
    post = grammar._post_lexer()
    ours = grammar.load_tables(_as_module(literals), post)
    data, memo = _lark_serialization(built)
    theirs = Lark._load_from_dict(data, memo, postlex=post, propagate_positions=True)
    assert ours.parser.parser._parse_table.states, "no states loaded"
    assert _difference(ours, theirs) is None


def test_shipped_tables_load_as_lark_would_load_them() -> None:
    """The same for the module the package ships (made by another process, whose state
    numbering may differ from a parser built here), with identical trees."""
    from scanner.parsers.terraform import _hcl_tables as shipped

    post = grammar._post_lexer()
    ours = grammar.load_tables(shipped, post)  # fresh: a parser that has parsed caches lexers
    data, memo = _expanded(_literals(shipped))
    theirs = Lark._load_from_dict(data, memo, postlex=post, propagate_positions=True)
    assert _difference(ours, theirs) is None
    assert _same_trees(ours, theirs, same_tables=True) > 200


PROBE = textwrap.dedent(
    """
    import sys
    import lark.lark, lark.load_grammar

    def refuse(*args, **kwargs):
        raise AssertionError("a run built the LALR tables")

    lark.lark.Lark._build_parser = refuse
    lark.load_grammar.load_grammar = refuse
    from scanner.parsers.terraform.hcl import parse_source
    source = parse_source("main.tf", 'resource "aws_cloudtrail" "t" {\\n  name = "x"\\n}\\n')
    assert source.body.blocks[0].labels == ("aws_cloudtrail", "t"), source
    import hcl2.parser
    assert hcl2.parser.parser.cache_info().currsize == 0, "python-hcl2's own (pickled) parser was used"
    print("loaded")
    """
)


def test_a_fresh_process_loads_the_tables_and_never_builds_them() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    assert probe.returncode == 0 and probe.stdout.strip() == "loaded", probe.stderr


def test_mismatched_tables_are_rebuilt_in_memory_and_nothing_is_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import scanner.parsers.terraform._hcl_tables as tables

    monkeypatch.setattr(tables, "LARK_VERSION", "0.0.0")
    grammar.hcl_parser.cache_clear()
    monkeypatch.chdir(tmp_path)
    built: list[bool] = []
    original = Lark._build_parser

    def spy(self: Lark) -> object:
        built.append(True)
        return original(self)

    monkeypatch.setattr(Lark, "_build_parser", spy)
    try:
        assert not grammar.shipped_tables_match()
        parser = grammar.hcl_parser()
        assert built, "mismatched tables were used instead of building"
        assert parser.options.cache is False  # lark was given nowhere to write
        assert parser.parse("a = 1\n\n").data == "start"
        assert list(tmp_path.iterdir()) == []
    finally:
        grammar.hcl_parser.cache_clear()


def test_the_tables_are_python_literals_not_a_pickle() -> None:
    import ast

    module = ast.parse(TABLES.read_text(encoding="utf-8"))
    for statement in module.body:
        if isinstance(statement, ast.Expr):  # the docstring
            continue
        assert isinstance(statement, ast.Assign), ast.dump(statement)[:80]
        ast.literal_eval(statement.value)  # raises on anything but a literal


def test_grammar_module_loads_without_the_package() -> None:
    """setup.py loads grammar.py by path in the build environment, where ``scanner`` does
    not exist: a module-level import of the package there silently leaves a fresh install
    without its tables."""
    import ast

    source = (Path(__file__).resolve().parent.parent / "scanner/parsers/terraform/grammar.py").read_text()
    top = [node for node in ast.parse(source).body if isinstance(node, ast.Import | ast.ImportFrom)]
    names = [alias.name for node in top if isinstance(node, ast.Import) for alias in node.names]
    names += [node.module or "" for node in top if isinstance(node, ast.ImportFrom)]
    assert not [name for name in names if name == "scanner" or name.startswith("scanner.")]
