"""Helpers of the plan front-end tests: the plans Terraform wrote (tests/plans/, made by
scripts/make_plans.py from tests/plan_roots/ and samples/), placed with or without the
root module they were made from."""

from __future__ import annotations

import shutil
from pathlib import Path

from scanner.model import Model, Trail
from scanner.parsers.plan import load_plan

TESTS = Path(__file__).resolve().parent.parent
REPO = TESTS.parent
PLANS = TESTS / "plans"
ROOTS = TESTS / "plan_roots"


def alone(tmp_path: Path, name: str) -> Path:
    """The plan ``name`` in a directory of its own (no .tf files: positions in the plan)."""
    target = tmp_path / "plans" / "plan.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(PLANS / f"{name}.json", target)
    return target


def in_root(tmp_path: Path, name: str, root: Path) -> Path:
    """The plan ``name`` next to the .tf files of ``root`` it was made from."""
    work = tmp_path / "root"
    shutil.copytree(root, work, symlinks=True)
    for stray in work.glob("*.json"):
        stray.unlink()
    shutil.copy(PLANS / f"{name}.json", work / "plan.json")
    return work / "plan.json"


def load(path: Path, root: Path) -> Model:
    model = load_plan(path, root)
    assert not model.problems, model.problems
    return model


def trails(model: Model) -> dict[str, Trail]:
    return {t.ref: t for t in model.trails}
