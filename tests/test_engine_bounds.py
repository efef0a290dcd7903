"""Bounded output: a finding carries at most ``MAX_RELATED`` related locations.

An account-wide finding (CT004, CT013...) relates to every trail of the account. Uncapped,
each such finding is as large as the account, so the report grows with trails x findings;
capped in the one place where findings are built, it grows linearly with findings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from guards import run_cli_guarded

from scanner.engine import MAX_RELATED, cap_related, evaluate
from scanner.model import Model, Span
from scanner.policy import Fail, Outcome, Related, Unknown, policy


def _related(n: int) -> tuple[Related, ...]:
    return tuple(Related(label="trail", ref=f"aws_cloudtrail.t{i}", span=Span(path="main.tf", line=i + 1))
                 for i in range(n))


def test_cap_keeps_the_first_locations_and_counts_the_rest() -> None:
    related, message = cap_related(_related(25), "Trail x fails.")
    assert len(related) == MAX_RELATED == 20
    assert [r.ref for r in related] == [f"aws_cloudtrail.t{i}" for i in range(20)]
    assert message == "Trail x fails.\n(and 5 more related locations not listed)"
    assert cap_related(_related(21), "m")[1] == "m\n(and 1 more related location not listed)"
    assert cap_related(_related(20), "m") == (_related(20), "m")


def _many_related(model: Model) -> Iterable[Outcome]:
    """Everything relates to everything

    ## Why is this bad?
    A test policy.

    ## How to fix
    Nothing.
    """
    yield Fail(subject="account:default", span=Span(path="main.tf"), message="fails",
               related=_related(10_000))
    yield Unknown(subject="x", span=Span(path="main.tf"), reason="unresolved", related=_related(500))


SPEC = policy(id="CT999", name="many-related", severity="LOW")(_many_related).__trailscan_policy__  # type: ignore[attr-defined]


def test_engine_caps_fail_and_strict_unknown_findings() -> None:
    result = evaluate((SPEC,), Model(), strict=True)
    assert [len(f.related) for f in result.findings] == [MAX_RELATED, MAX_RELATED]
    assert result.findings[0].message.endswith("(and 9980 more related locations not listed)")
    assert result.findings[1].message.endswith("(and 480 more related locations not listed)")


def _trails(n: int) -> str:
    return "".join(
        f'resource "aws_cloudtrail" "t{i}" {{\n  name = "t{i}"\n  s3_bucket_name = "logs"\n'
        f"  include_global_service_events = false\n}}\n\n"
        for i in range(n)
    )


def test_account_findings_in_a_real_scan_are_capped(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(_trails(60))
    proc = run_cli_guarded(["scan", ".", "--format", "json", "--select", "CT004,CT013"], cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    capped = [f for f in findings if f["id"] in ("CT004", "CT013")]
    assert capped
    for f in capped:
        assert len(f["related"]) == MAX_RELATED
        assert f["message"].endswith("(and 40 more related locations not listed)")
