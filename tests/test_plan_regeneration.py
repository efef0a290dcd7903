"""The committed plans are what Terraform writes today for the roots they came from.

Runs scripts/make_plans.py (terraform init/plan/show, offline, with a fake STS) for every
plan and compares byte for byte with the committed file. Skipped, saying why, where the
terraform binary or the hashicorp/aws provider mirror (TRAILSCAN_TF_PLUGINS, default
/opt/tf-plugins) is missing. About a minute and a half on two cores: deselect with
``-m "not slow"``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from test_plan_differential import PLANS, ROOT, make_plans


@pytest.mark.slow
def test_committed_plans_are_what_terraform_writes(tmp_path: Path) -> None:
    why = make_plans.missing_tools()
    if why:
        pytest.skip(f"cannot regenerate the plans: {why}")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_plans.py"), "--out", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    differ = []
    for name, plan in sorted(PLANS.items()):
        made = (tmp_path / f"{name}.json").read_text(encoding="utf-8")
        if made != (ROOT / plan.out).read_text(encoding="utf-8"):
            differ.append(plan.out)
    assert not differ, f"regenerate with `python scripts/make_plans.py`: {differ}"
