"""A plain ``pip install`` is light: cfn-lint (with sympy and networkx) is an extra.

Builds a fresh virtualenv in a temporary directory and pip-installs this checkout into it
(the package index is the only network it uses), then measures it. Marked ``slow``:
``pytest -m "not slow"`` leaves it out.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIMIT_BYTES = 60 * 1024 * 1024


def _size(directory: Path) -> int:
    total = 0
    for base, _dirs, files in os.walk(directory):
        for name in files:
            path = Path(base) / name
            if not path.is_symlink():
                total += path.stat().st_size
    return total


NO_TABLE_BUILD = """
import lark.lark, lark.load_grammar
def refuse(*args, **kwargs):
    raise AssertionError("a run built the LALR tables")
lark.lark.Lark._build_parser = refuse
lark.load_grammar.load_grammar = refuse
from scanner.parsers.terraform import grammar
from scanner.parsers.terraform.hcl import parse_source
assert grammar.shipped_tables_match()
assert "site-packages" in grammar.__file__, grammar.__file__
parse_source("main.tf", 'resource "aws_cloudtrail" "t" {\\n  name = "x"\\n}\\n')
import hcl2.parser
assert not hcl2.parser.PARSER_FILE.exists(), "python-hcl2 wrote its pickle cache"
print("loaded")
"""


@pytest.mark.slow
def test_light_install_is_small_and_has_no_cfn_lint(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(ROOT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        cwd=tmp_path,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    size = _size(venv)
    assert size <= LIMIT_BYTES, f"a plain install takes {size / 2**20:.1f} MB (limit 60 MB)"

    probe = subprocess.run([str(python), "-c", "import cfnlint"], capture_output=True, text=True, env=env)
    assert probe.returncode != 0 and "No module named 'cfnlint'" in probe.stderr

    # The build hook put the HCL parse tables into the installed package: a run loads
    # them and never builds them (nor writes python-hcl2's pickle cache).
    tables = subprocess.run(
        [str(python), "-c", NO_TABLE_BUILD], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert tables.returncode == 0 and tables.stdout.strip() == "loaded", tables.stderr

    trailscan = venv / "bin" / "trailscan"
    demo = subprocess.run(
        [str(trailscan), "samples/demo", "--no-color"], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert demo.returncode == 1 and "CT008" in demo.stdout, demo.stderr
    lint = subprocess.run(
        [str(trailscan), "samples/demo", "--cfn-lint"], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert lint.returncode == 2 and lint.stdout == ""
    assert lint.stderr.strip() == (
        "trailscan: error: --cfn-lint needs cfn-lint, which is not installed: "
        "pip install 'trailscan[cfn-lint]'"
    )
