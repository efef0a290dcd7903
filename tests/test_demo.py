"""The README's first command: a small demo whose report fits on one screen.

The README opens with exactly two commands, the demo scan and the test command, and
``.ci/run`` runs that same test command. The demo itself (samples/demo: one Terraform root,
one CloudFormation stack, one account) must show what trailscan is for in at most 40
lines: findings across both formats, each with the fix for its own format.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
FIRST = "python3.11 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/trailscan samples/demo"
TEST = (
    "python3.11 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && "
    ".venv/bin/python -m pytest -q"
)
HEADER = re.compile(r"^(\S+):(\d+):\d+: ([A-Z]+\d{3}) \[", re.MULTILINE)
EXPECTED = {
    ("samples/demo/terraform/main.tf", "CT008"),
    ("samples/demo/terraform/main.tf", "CT102"),
    ("samples/demo/cloudformation/soc-monitoring.yaml", "CT301"),
    ("samples/demo/cloudformation/soc-monitoring.yaml", "CT404"),
}


def test_readme_starts_with_the_two_commands() -> None:
    block = re.search(r"```sh\n(.*?)```", README, re.DOTALL)
    assert block is not None and README.index(block.group(0)) < README.index("\n## ")
    assert block.group(1).splitlines() == [FIRST, TEST]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert TEST in ci.splitlines()


def _first_command_scan() -> subprocess.CompletedProcess[str]:
    """The scan of the README's first command, as the installed entry point runs it."""
    args = FIRST.split(" && ")[-1].split()[1:]
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR",)}
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "scanner", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_demo_fits_one_screen_and_fails_for_the_right_reasons() -> None:
    proc = _first_command_scan()
    out = proc.stdout
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    lines = out.splitlines()
    assert len(lines) <= 40, out
    assert {(path, pid) for path, _, pid in HEADER.findall(out)} == EXPECTED, out
    assert lines[-1].startswith("FAIL: 4 findings"), lines[-1]
    # One account: no "account:" lines; every fix is for the finding's own format.
    assert not [line for line in lines if line.startswith("  account:")]
    blocks = out.split("\n\n")
    for block in blocks:
        fix = block.split("  fix: ", 1)[-1] if "  fix: " in block else ""
        if block.startswith("samples/demo/terraform/"):
            assert "aws_" in fix and "AWS::" not in fix, block
        elif block.startswith("samples/demo/cloudformation/"):
            assert "AWS::" in fix and "aws_cloudwatch" not in fix, block
    # Both formats, linked: the CloudFormation findings name the Terraform trail.
    assert "related: trail aws_cloudtrail.audit (samples/demo/terraform/main.tf:" in out
