"""A root module and the plan Terraform made of it must not disagree.

For every plan that scripts/make_plans.py writes (roots of samples/ and tests/plan_roots/;
the tests/corpus/ cases are fragments that Terraform cannot plan: they reference resources
they do not declare), three scans are compared evaluation by evaluation, (policy, subject):

* the root's ``.tf`` files alone;
* the plan next to those files (it replaces the root; values it knows only after apply are
  rebuilt from the files): every verdict the files decide, the plan decides the same way;
* the plan alone (positions in the plan, values known after apply stay UNKNOWN): wherever
  both are known, the verdicts agree.

No disagreement had to be explained so far; one that is explained goes in ``EXPLAINED``
with the reason, and every other one fails.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from functools import cache
from pathlib import Path

import pytest

from scanner.config import Config
from scanner.options import ScanOptions
from scanner.results import ScanResult
from scanner.scan import run_scan

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("make_plans", ROOT / "scripts" / "make_plans.py")
assert _spec is not None and _spec.loader is not None
make_plans = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("make_plans", make_plans)
_spec.loader.exec_module(make_plans)

PLANS = {plan.name: plan for plan in make_plans.PLANS}
# (plan name, mode, policy, subject) -> why the plan's verdict differs from the files'.
EXPLAINED: dict[tuple[str, str, str, str], str] = {}

Verdicts = dict[tuple[str, str], str]


def _verdicts(result: ScanResult) -> Verdicts:
    return {(e.policy, e.subject): e.status for e in result.evaluations}


def _scan(path: Path) -> ScanResult:
    result = run_scan(ScanOptions(paths=(path,), root=path, config=Config()))
    broken = [(f.span.path, f.span.line, f.message) for f in result.findings if f.id in ("CT900", "CT901")]
    assert not broken, broken
    return result


@cache
def _tf(name: str) -> Verdicts:
    return _verdicts(_scan(ROOT / PLANS[name].root))


def _plan_scan(tmp_path: Path, name: str, mode: str) -> Verdicts:
    plan = PLANS[name]
    if mode == "with-files":
        work = tmp_path / "root"
        shutil.copytree(ROOT / plan.root, work, symlinks=True)
        for stray in work.glob("*.json"):
            stray.unlink()
    else:
        work = tmp_path / "alone"
        work.mkdir()
    shutil.copy(ROOT / plan.out, work / "plan.json")
    result = _scan(work)
    assert [u.format for u in result.units] == ["terraform-plan"]
    return _verdicts(result)


def _disagreements(name: str, mode: str, files: Verdicts, plan: Verdicts) -> list[str]:
    out = []
    for key in sorted(set(files) & set(plan)):
        a, b = files[key], plan[key]
        if "unknown" in (a, b) or a == b or (name, mode, *key) in EXPLAINED:
            continue
        out.append(f"{key[0]} {key[1]}: .tf files say {a}, the plan says {b}")
    return out


@pytest.mark.parametrize("name", sorted(PLANS))
def test_the_plan_next_to_its_files_decides_as_the_files_do(tmp_path: Path, name: str) -> None:
    files = _tf(name)
    plan = _plan_scan(tmp_path, name, "with-files")
    assert not _disagreements(name, "with-files", files, plan)
    # (An evaluation may also move to another subject: a trail whose log group the plan
    # links, and the files do not, is judged on the log group.)
    undecided = sorted(k for k, v in files.items() if v != "unknown" and plan.get(k) == "unknown")
    assert not undecided, f"the files decide these, the plan does not: {undecided}"


@pytest.mark.parametrize("name", sorted(PLANS))
def test_the_plan_alone_never_contradicts_the_files(tmp_path: Path, name: str) -> None:
    files = _tf(name)
    plan = _plan_scan(tmp_path, name, "alone")
    assert not _disagreements(name, "alone", files, plan)
    compared = [k for k in set(files) & set(plan) if "unknown" not in (files[k], plan[k])]
    assert compared, "nothing was compared"


def test_every_plan_was_made_from_a_root_in_the_repository() -> None:
    for plan in PLANS.values():
        assert (ROOT / plan.out).is_file(), f"{plan.out} is missing: run scripts/make_plans.py"
        assert any((ROOT / plan.root).glob("*.tf")), plan.root
