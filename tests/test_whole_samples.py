"""Whole-account samples: the secure baselines pass every policy, the insecure samples
fail exactly where they say, and scanning all of ``samples/`` keeps each sample apart.

Unlike ``test_samples.py`` (one policy on its own samples), these run ALL policies at
once: a baseline that is only clean one policy at a time could still trip another.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sample_harness import actual_markers, annotate, expected_markers, sample_files, scan_sample

from scanner.cli import main as cli_main
from scanner.config import find_config, load_config
from scanner.engine import load_policies
from scanner.options import ScanOptions
from scanner.results import ScanResult, Status
from scanner.scan import run_scan

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

SECURE = (
    SAMPLES / "terraform" / "secure-baseline",
    SAMPLES / "cloudformation" / "secure-baseline.yaml",
)
INSECURE = (
    SAMPLES / "terraform" / "insecure",
    SAMPLES / "cloudformation" / "insecure.yaml",
    # A trail from a registry module installed by `terraform init` (.terraform/modules):
    # its findings are reported inside the installed module's files.
    SAMPLES / "terraform" / "registry-module",
    # A root scanned through its plan (plan.json, written by terraform show -json from these
    # files): the plan replaces the root, and its findings point at the .tf lines.
    SAMPLES / "terraform" / "plan-json",
)
FINDING_LINE = re.compile(r"^(\S+?):(\d+):\d+: (CT\d{3}) \[", re.MULTILINE)
POLICY_IDS = tuple(spec.id for spec in load_policies())
# DESIGN.md section 3: the baselines are written against the whole catalogue, so a policy
# module that is missing must fail here rather than let a baseline pass vacuously.
CATALOGUE = (
    *(f"CT{n:03d}" for n in range(1, 14)),
    *(f"CT{n}" for n in range(101, 106)),
    *(f"CT{n}" for n in range(201, 204)),
    *(f"CT{n}" for n in range(301, 304)),
    *(f"CT{n}" for n in range(401, 416)),
)

# Policies that may legitimately have nothing to say about a compliant account: CT003 only
# speaks when `require_trail` is set, CT005 only about duplicates and CT006 only about
# combinations the API rejects. Every other policy must positively PASS on a baseline, so
# a link the parser failed to resolve cannot hide behind "not applicable".
MAY_BE_SILENT = frozenset({"CT003", "CT005", "CT006"})


def _describe(result: ScanResult) -> str:
    lines = [f"  {f.span.path}:{f.span.line} {f.id} [{f.resource}] {f.message}" for f in result.findings]
    odd = [
        f"  {e.policy} {e.subject}: {e.status.value} {e.reason}"
        for e in result.evaluations
        if e.status not in (Status.PASS, Status.NOT_APPLICABLE)
    ]
    return "findings:\n" + "\n".join(lines) + "\nevaluations not pass:\n" + "\n".join(odd)


@pytest.mark.parametrize("target", SECURE, ids=[p.parent.name + "/" + p.name for p in SECURE])
def test_secure_baseline_passes_every_policy(target: Path) -> None:
    assert not set(CATALOGUE) - set(POLICY_IDS), f"policies missing: {sorted(set(CATALOGUE) - set(POLICY_IDS))}"
    result = scan_sample(target, target.parent, None)
    assert {s.id for s in result.policies} == set(POLICY_IDS), "a policy did not run"
    assert result.findings == [], _describe(result)
    assert result.exit_code() == 0, _describe(result)
    statuses: dict[str, set[str]] = {}
    for evaluation in result.evaluations:
        statuses.setdefault(evaluation.policy, set()).add(evaluation.status.value)
    not_clean = {p: s for p, s in statuses.items() if not s <= {"pass", "not_applicable"}}
    assert not not_clean, f"evaluations other than pass/not_applicable: {not_clean}\n{_describe(result)}"
    never_passed = sorted(
        p for p in POLICY_IDS if p not in MAY_BE_SILENT and "pass" not in statuses.get(p, set())
    )
    assert not never_passed, f"policies that never positively passed: {never_passed}"


@pytest.mark.parametrize("target", INSECURE, ids=[p.parent.name + "/" + p.name for p in INSECURE])
def test_insecure_sample_fails_exactly_where_marked(target: Path) -> None:
    root = target.parent
    result = scan_sample(target, root, None)
    assert not [f for f in result.findings if f.id in ("CT900", "CT901")], annotate(
        target, root, set(), set(), result
    )
    expected = expected_markers(target, root, None)
    assert expected, f"{target}: an insecure sample needs `# expect:` markers"
    actual = actual_markers(result, None)
    missing, unexpected = expected - actual, actual - expected
    assert not missing and not unexpected, annotate(target, root, missing, unexpected, result)
    assert result.exit_code() == 1


def test_cli_secure_baseline_exits_zero(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    code = cli_main(["samples/terraform/secure-baseline", "--no-color"])
    out = capsys.readouterr().out
    assert code == 0, out


def test_cli_insecure_exits_one_and_names_every_policy(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    code = cli_main(["samples/terraform/insecure", "--no-color"])
    out = capsys.readouterr().out
    assert code == 1, out
    wanted = {(path, line, pid) for (path, line, pid) in expected_markers(INSECURE[0], ROOT, None)}
    # Finding headers only (`path:line:col: CT008 [HIGH] ...`): the source excerpts under
    # them quote the sample, whose `# expect:` markers name every id anyway.
    reported = {(m[1], int(m[2]), m[3]) for m in FINDING_LINE.finditer(out)}
    absent = sorted(wanted - reported)
    assert not absent, f"findings missing from the text report: {absent}\n{out}"


# ---------------------------------------------------------------------------
# `trailscan samples/`: every sample unit is its own account
# ---------------------------------------------------------------------------


def _own_config(target: Path) -> bool:
    """A per-policy sample with its own ``.trailscan.toml`` (``require_trail = true``...)
    only shows its verdict under that config; a scan of ``samples/`` reads the config at
    ``samples/`` for everything, so such samples are checked by test_samples.py alone."""
    directory = target if target.is_dir() else target.parent
    found = find_config(directory)
    return found is not None and found.resolve() != (SAMPLES / ".trailscan.toml").resolve()


def _policy_samples() -> list[tuple[str, Path]]:
    out = []
    for fmt in ("terraform", "cloudformation"):
        for policy_dir in sorted((SAMPLES / fmt).glob("CT[0-9][0-9][0-9]")):
            for target in sorted(policy_dir.iterdir()):
                if not target.name.startswith(".") and not _own_config(target):
                    out.append((policy_dir.name, target))
    return out


@pytest.fixture(scope="module")
def whole_tree() -> ScanResult:
    config_path = find_config(SAMPLES)
    assert config_path is not None and config_path.resolve() == (SAMPLES / ".trailscan.toml").resolve()
    config = load_config(config_path)
    assert config.accounts == "per-unit"
    # samples/demo is the README's first command (tests/test_demo.py), not a policy sample.
    trees = (SAMPLES / "terraform", SAMPLES / "cloudformation")
    return run_scan(ScanOptions(paths=trees, root=SAMPLES, config=config))


def _rel(path: Path) -> str:
    return path.relative_to(SAMPLES).as_posix()


def test_whole_tree_is_one_account_per_unit(whole_tree: ScanResult) -> None:
    unit_ids = sorted(u.id for u in whole_tree.units)
    assert len(unit_ids) == len(set(unit_ids))
    assert sorted(whole_tree.accounts) == unit_ids
    assert not [f for f in whole_tree.findings if f.id in ("CT900", "CT901")], [
        (f.span.path, f.span.line, f.id, f.message) for f in whole_tree.findings if f.id in ("CT900", "CT901")
    ]


def test_whole_tree_secure_baselines_are_clean(whole_tree: ScanResult) -> None:
    for target in SECURE:
        files = {_rel(p) for p in sample_files(target)}
        noise = [
            (f.span.path, f.span.line, f.id, f.message) for f in whole_tree.findings if f.span.path in files
        ]
        assert not noise, f"{_rel(target)}: {noise}"


def test_whole_tree_insecure_samples_exact(whole_tree: ScanResult) -> None:
    actual = actual_markers(whole_tree, None)
    for target in INSECURE:
        files = {_rel(p) for p in sample_files(target)}
        expected = expected_markers(target, SAMPLES, None)
        mine = {m for m in actual if m[0] in files}
        assert mine == expected, (
            f"{_rel(target)}: missing {sorted(expected - mine)}, unexpected {sorted(mine - expected)}"
        )


@pytest.mark.parametrize(
    ("policy_id", "target"),
    _policy_samples(),
    ids=[f"{t.parent.parent.name}-{p}-{t.name}" for p, t in _policy_samples()],
)
def test_whole_tree_policy_sample_own_verdict(whole_tree: ScanResult, policy_id: str, target: Path) -> None:
    """Each per-policy sample keeps its own verdict for its own policy when scanned with
    everything else (other policies may legitimately fire on a minimal sample)."""
    files = {_rel(p) for p in sample_files(target)}
    own = {m for m in actual_markers(whole_tree, policy_id) if m[0] in files}
    expected = expected_markers(target, SAMPLES, policy_id)
    assert own == expected, f"missing {sorted(expected - own)}, unexpected {sorted(own - expected)}"
