"""The engine: one verdict mapping, loading policies, running them in isolation."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from builders import model_of, placed_trail

from scanner.engine import evaluate, load_policies
from scanner.model import INTERNAL_ERROR, Attr, Model, Span
from scanner.policy import Fail, Outcome, Pass, PolicySpec, Tally, Unknown, judge, policy, spec_of
from scanner.results import Status

SPAN = Span(path="main.tf", line=3)


def test_judge_maps_the_three_values() -> None:
    assert isinstance(judge(subject="x", span=SPAN, verdict=True, unknown="", fail="no"), Pass)
    unknown = judge(subject="x", span=SPAN, verdict=None, unknown="var.k has no value", fail="no")
    assert isinstance(unknown, Unknown) and unknown.reason == "var.k has no value"
    fail = judge(subject="x", span=SPAN, verdict=False, unknown="", fail=lambda: "built late")
    assert isinstance(fail, Fail) and fail.message == "built late" and fail.span == SPAN


def test_unknown_without_reason_still_says_so() -> None:
    assert judge(subject="x", span=SPAN, verdict=None, unknown="", fail="no").reason == "unresolved"


def test_tally_reports_every_failure_else_the_unknowns_else_a_pass() -> None:
    tally = Tally(subject="x", span=SPAN)
    assert [type(o) for o in tally.outcomes()] == [Pass]
    tally.unknown("var.a has no value", span=Span(path="main.tf", line=7))
    tally.unknown("")
    (unknown,) = tally.outcomes()
    assert isinstance(unknown, Unknown)
    assert unknown.reason == "var.a has no value; unresolved" and unknown.span.line == 7
    tally.fail("first", span=Span(path="main.tf", line=9))
    tally.add(False, unknown="never", fail=lambda: "second")
    tally.add(True, unknown="never", fail="never")
    outcomes = tally.outcomes()
    assert [(type(o), o.message, o.span.line) for o in outcomes if isinstance(o, Fail)] == [
        (Fail, "first", 9),
        (Fail, "second", 3),
    ]
    assert len(outcomes) == 2


def test_as_int() -> None:
    assert Attr.explicit(30, SPAN).as_int() == 30
    assert Attr.explicit(" 30 ", SPAN).as_int() == 30
    assert Attr.explicit("thirty", SPAN).as_int() is None
    assert Attr.explicit(True, SPAN).as_int() is None
    assert Attr.unknown(SPAN, "var").as_int() is None
    assert Attr.default(None, SPAN).as_int() is None


# ---------------------------------------------------------------------------
# Running policies: isolation, --strict, not applicable, fixes
# ---------------------------------------------------------------------------

MODEL = model_of(placed_trail())


@policy(id="CT991", name="always-passes", severity="LOW")
def always_passes(model: Model) -> Iterable[Outcome]:
    """Every trail passes"""
    for trail in model.trails:
        yield Pass(subject=trail.ref, span=trail.span)


@policy(id="CT992", name="always-raises", severity="HIGH")
def always_raises(model: Model) -> Iterable[Outcome]:
    """A policy with a bug"""
    raise RuntimeError("boom")


@policy(id="CT993", name="never-decides", severity="MEDIUM")
def never_decides(model: Model) -> Iterable[Outcome]:
    """Nothing can be decided"""
    for trail in model.trails:
        yield Unknown(subject=trail.ref, span=trail.span, reason="var.x has no value")


@policy(id="CT994", name="nothing-in-scope", severity="LOW")
def nothing_in_scope(model: Model) -> Iterable[Outcome]:
    """Nothing to judge"""
    return ()


def _refuse_to_run(model: Model, failure: Fail) -> Iterable[object]:
    raise AssertionError("evaluate must never call a fix")


@policy(id="CT995", name="fails-with-fix", severity="LOW", fix=_refuse_to_run)
def fails_with_fix(model: Model) -> Iterable[Outcome]:
    """Every trail fails"""
    for trail in model.trails:
        yield Fail(subject=trail.ref, span=trail.span, message=f"{trail.ref} fails")


def spec(func: object) -> PolicySpec:
    found = spec_of(func)
    assert found is not None
    return found


def test_a_policy_that_raises_costs_a_ct900_and_the_others_still_run() -> None:
    result = evaluate((spec(always_raises), spec(always_passes)), MODEL)
    (finding,) = result.findings
    assert finding.id == INTERNAL_ERROR and finding.resource == "account:default"
    assert "policy CT992 failed on account 'default': RuntimeError: boom" in finding.message
    assert "Traceback" not in finding.message
    statuses = {(e.policy, e.status) for e in result.evaluations}
    assert statuses == {("CT992", Status.UNKNOWN), ("CT991", Status.PASS)}
    debug = evaluate((spec(always_raises),), MODEL, debug=True)
    assert "Traceback" in debug.findings[0].message


def test_strict_turns_unknown_into_a_finding() -> None:
    relaxed = evaluate((spec(never_decides),), MODEL)
    assert relaxed.findings == []
    assert [(e.status, e.reason) for e in relaxed.evaluations] == [(Status.UNKNOWN, "var.x has no value")]
    strict = evaluate((spec(never_decides),), MODEL, strict=True)
    (finding,) = strict.findings
    assert finding.id == "CT993" and finding.resource == "aws_cloudtrail.main"
    assert finding.message == "cannot be verified statically: var.x has no value (--strict)"
    assert [e.status for e in strict.evaluations] == [Status.UNKNOWN]


def test_a_policy_that_yields_nothing_is_not_applicable() -> None:
    result = evaluate((spec(nothing_in_scope),), MODEL)
    assert result.findings == []
    (evaluation,) = result.evaluations
    assert evaluation.status is Status.NOT_APPLICABLE
    assert evaluation.subject == "account:default" and evaluation.span is None


def test_a_fix_is_carried_on_the_spec_and_ignored_by_evaluate() -> None:
    carried = spec(fails_with_fix)
    assert carried.fix is _refuse_to_run and carried.func is fails_with_fix
    assert spec(always_passes).fix is None
    result = evaluate((carried,), MODEL)  # _refuse_to_run raises if it is ever called
    assert [(f.id, f.message) for f in result.findings] == [("CT995", "aws_cloudtrail.main fails")]
    assert [e.status for e in result.evaluations] == [Status.FAIL]


# ---------------------------------------------------------------------------
# Loading policies: a real package on sys.path, real import machinery
# ---------------------------------------------------------------------------

POLICY_MODULE = '''
from scanner.policy import policy


@policy(id="{id}", name="{name}", severity="LOW")
def check(model):
    """A policy for the loader"""
    return ()
'''


def make_package(root: Path, name: str, modules: dict[str, str]) -> str:
    package = root / name
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    for module, text in modules.items():
        (package / f"{module}.py").write_text(text, encoding="utf-8")
    return name


@pytest.fixture
def on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(tmp_path))
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        if name.startswith("trailscan_test_"):
            del sys.modules[name]


def test_load_policies_finds_every_policy_sorted_by_id(on_path: Path) -> None:
    package = make_package(
        on_path,
        "trailscan_test_good",
        {
            "ct902b": POLICY_MODULE.format(id="CT982", name="second"),
            "ct901a": POLICY_MODULE.format(id="CT981", name="first"),
            # A module that imports a policy from another one does not define it twice.
            "reexport": "from trailscan_test_good.ct901a import check\n",
            "_private": POLICY_MODULE.format(id="bad", name="skipped"),
        },
    )
    specs = load_policies(package)
    assert [(s.id, s.module) for s in specs] == [
        ("CT981", "trailscan_test_good.ct901a"),
        ("CT982", "trailscan_test_good.ct902b"),
    ]


def test_load_policies_rejects_a_duplicate_id(on_path: Path) -> None:
    package = make_package(
        on_path,
        "trailscan_test_duplicate",
        {
            "one": POLICY_MODULE.format(id="CT981", name="one"),
            "two": POLICY_MODULE.format(id="CT981", name="two"),
        },
    )
    with pytest.raises(ValueError, match="duplicate policy id CT981 in trailscan_test_duplicate.two"):
        load_policies(package)


def test_load_policies_rejects_an_engine_id(on_path: Path) -> None:
    package = make_package(on_path, "trailscan_test_engine_id", {"one": POLICY_MODULE.format(id="CT901", name="x")})
    with pytest.raises(ValueError, match="duplicate policy id CT901"):
        load_policies(package)


@pytest.mark.parametrize("bad", ["CT1", "ct008", "CT0080", "XX008", ""])
def test_load_policies_rejects_a_malformed_id(on_path: Path, bad: str) -> None:
    name = f"trailscan_test_malformed_{bad.lower() or 'empty'}"
    package = make_package(on_path, name, {"one": POLICY_MODULE.format(id=bad, name="x")})
    with pytest.raises(ValueError, match=f"{name}.one: malformed policy id {bad!r}"):
        load_policies(package)
