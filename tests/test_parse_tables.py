"""The HCL parse tables ship with the package and are loaded, never built, by a run.

``setup.py``'s build hook writes ``scanner/parsers/terraform/_hcl_tables.py`` when the
package is built or installed (``pip install -e .`` included). If this file fails, the
installed python-hcl2 or lark changed since: run ``pip install -e .`` again.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from lark import Lark

from scanner.parsers.terraform import grammar

ROOT = Path(__file__).resolve().parent.parent
TABLES = ROOT / "scanner" / "parsers" / "terraform" / grammar.TABLES_FILE


def _hcl_sources() -> list[Path]:
    found = [
        p
        for base in ("samples", "examples", "tests/corpus", "tests/terraform")
        for p in sorted((ROOT / base).rglob("*.tf"))
    ]
    return found


def test_the_package_ships_tables_for_the_installed_python_hcl2_and_lark() -> None:
    assert TABLES.is_file(), "no parse tables: run `pip install -e .` (setup.py generates them)"
    assert grammar.shipped_tables_match(), (
        "the shipped parse tables were made from another python-hcl2 grammar or lark version: "
        "run `pip install -e .` to regenerate them"
    )


def test_shipped_tables_parse_exactly_as_tables_built_from_the_grammar() -> None:
    """Same trees, positions included, over every .tf file of the repository."""
    shipped = grammar.hcl_parser()
    built = grammar.build_parser()
    sources = _hcl_sources()
    assert len(sources) > 50
    compared = 0
    for path in sources:
        text = path.read_text(encoding="utf-8", errors="replace") + "\n"
        try:
            expected = built.parse(text)
        except Exception as exc:  # noqa: BLE001 - the same error is expected from both
            with pytest.raises(type(exc)):
                shipped.parse(text)
            continue
        actual = shipped.parse(text)
        assert actual == expected, path
        assert [(t.line, t.column, t.end_line, t.end_column) for t in actual.scan_values(lambda _: True)] == [
            (t.line, t.column, t.end_line, t.end_column) for t in expected.scan_values(lambda _: True)
        ], path
        compared += 1
    assert compared > 50


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
