"""Every policy passes its pass samples and finds exactly the marked lines in its fail samples."""

from __future__ import annotations

from pathlib import Path

import pytest
from sample_harness import actual_markers, annotate, expected_markers, scan_sample

from scanner.engine import load_policies

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
POLICY_IDS = {spec.id for spec in load_policies()}


def _cases() -> list[tuple[str, str, Path]]:
    cases = []
    for fmt in ("terraform", "cloudformation"):
        base = SAMPLES / fmt
        for policy_dir in sorted(base.glob("CT[0-9][0-9][0-9]")):
            for target in sorted(policy_dir.iterdir()):
                if target.name.startswith("."):
                    continue
                cases.append((fmt, policy_dir.name, target))
    return cases


@pytest.mark.parametrize(
    ("fmt", "policy_id", "target"),
    _cases(),
    ids=[f"{f}-{p}-{t.name}" for f, p, t in _cases()],
)
def test_sample(fmt: str, policy_id: str, target: Path) -> None:
    assert policy_id in POLICY_IDS, f"samples for unknown policy {policy_id}"
    root = target.parent
    result = scan_sample(target, root, policy_id)
    assert not [f for f in result.findings if f.id in ("CT900", "CT901")], annotate(
        target, root, set(), set(), result
    )
    expected = expected_markers(target, root, policy_id)
    actual = actual_markers(result, policy_id)
    is_pass = target.name.startswith("pass")
    if is_pass:
        assert not expected, f"{target}: a pass sample must not carry expect markers"
    else:
        assert expected, f"{target}: a fail sample needs at least one `# expect: {policy_id}` marker"
    missing, unexpected = expected - actual, actual - expected
    assert not missing and not unexpected, annotate(target, root, missing, unexpected, result)
