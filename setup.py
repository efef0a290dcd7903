"""Build hook: generate python-hcl2's LALR parse tables into the package.

Everything else about the package is in ``pyproject.toml``. ``build_py`` runs for a wheel,
an sdist install and an editable install (``pip install -e .``); it writes
``scanner/parsers/terraform/_hcl_tables.py`` (into the build tree, or into the source tree
for an editable install) from the python-hcl2 and lark of the build environment, which
``[build-system] requires`` provides. See ``scanner/parsers/terraform/grammar.py`` for why.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
GRAMMAR = HERE / "scanner" / "parsers" / "terraform" / "grammar.py"
TABLES = Path("scanner") / "parsers" / "terraform" / "_hcl_tables.py"


def _grammar_module():  # noqa: ANN202 - a module loaded by path, before the package exists
    # Loaded by path: importing ``scanner`` here would need the package's own dependencies
    # in the build environment; grammar.py needs only lark and python-hcl2.
    spec = importlib.util.spec_from_file_location("trailscan_build_grammar", GRAMMAR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildPyWithParseTables(build_py):
    """``build_py`` that also writes the parse tables."""

    def run(self) -> None:
        super().run()
        root = HERE if self.editable_mode else Path(self.build_lib)
        target = root / TABLES
        try:
            grammar = _grammar_module()
        except ImportError as exc:  # a build without its requirements (--no-build-isolation)
            print(f"trailscan: parse tables not generated ({exc}); runs will build them "
                  "in memory", file=sys.stderr)
            return
        grammar.write_tables(target)


setup(cmdclass={"build_py": BuildPyWithParseTables})
