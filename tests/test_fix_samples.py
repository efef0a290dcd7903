"""``trailscan fix`` on the policy samples, through the command line: every fixable
policy's fail samples come out clean for that policy, the edits are the golden diffs
(``tests/golden/fix/<format>/<ID>.diff``, refreshed with ``pytest --update-golden``), and
``--diff`` prints exactly what ``fix`` then writes."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.engine import load_policies

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOLDEN = Path(__file__).resolve().parent / "golden" / "fix"
FIXABLE = [spec.id for spec in load_policies() if spec.fix is not None]
REQUIRED = {"CT001", "CT004", "CT007", "CT008", "CT009", "CT105", "CT202", "CT301", "CT302"}
# Fail samples a fix deliberately leaves, by sample name, with the start of the reason.
LEFT = {
    # An event data store's key is for good once set: its choice is the author's.
    ("CT009", "fail-event-data-store"): "the key of an event data store cannot be changed",
}


def _fail_samples(policy_id: str) -> list[tuple[str, Path]]:
    """(format, sample) for every fail sample of the policy, both formats."""
    out: list[tuple[str, Path]] = []
    for fmt in ("terraform", "cloudformation"):
        folder = SAMPLES / fmt / policy_id
        out.extend((fmt, p) for p in sorted(folder.glob("fail*")))
    return out


def _copy(sample: Path, fmt: str, policy_id: str, tmp_path: Path) -> Path:
    target = tmp_path / fmt / policy_id / sample.name
    target.parent.mkdir(parents=True, exist_ok=True)
    if sample.is_dir():
        shutil.copytree(sample, target)
    else:
        shutil.copyfile(sample, target)
    return target


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _findings(target: Path, root: Path, policy_id: str, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    capsys.readouterr()
    main(["scan", str(target), "--root", str(root), "--select", policy_id, "-f", "json", "--no-progress"])
    return [f for f in json.loads(capsys.readouterr().out)["findings"] if not f["suppressed"]]


def test_the_required_policies_declare_a_fix() -> None:
    assert REQUIRED <= set(FIXABLE)


def test_every_fixable_policy_has_fail_samples_in_both_formats() -> None:
    for policy_id in FIXABLE:
        formats = {fmt for fmt, _ in _fail_samples(policy_id)}
        assert formats == {"terraform", "cloudformation"}, policy_id


@pytest.mark.parametrize("policy_id", FIXABLE)
def test_fix_makes_the_fail_samples_clean(
    policy_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], update_golden: bool
) -> None:
    for fmt, sample in _fail_samples(policy_id):
        target = _copy(sample, fmt, policy_id, tmp_path)
        assert _findings(target, tmp_path, policy_id, capsys), f"{sample} has no {policy_id} finding"
        before = _digest(tmp_path)
        left = LEFT.get((policy_id, sample.name.removesuffix(sample.suffix)))
        if left is not None:
            _assert_left(target, tmp_path, policy_id, left, capsys)
            assert _digest(tmp_path) == before, f"{sample}: a finding left was edited"
            continue

        capsys.readouterr()
        args = [str(target), "--root", str(tmp_path), "--select", policy_id, "--no-progress"]
        code = main(["fix", "--diff", *args])
        diff = capsys.readouterr().out
        assert code == 0, f"{sample}: after the fix {policy_id} would still be reported"
        assert _digest(tmp_path) == before, "--diff wrote something"
        name = f"{fmt}/{policy_id}{'' if sample.name.startswith('fail.') or sample.name == 'fail' else '-' + sample.stem}.diff"
        golden = GOLDEN / name
        if update_golden:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(diff, encoding="utf-8", newline="\n")
        else:
            assert golden.is_file(), f"{golden} is missing: run pytest --update-golden"
            assert diff == golden.read_text(encoding="utf-8"), f"{name} differs (pytest --update-golden)"

        assert main(["fix", *args]) == 0
        out, err = capsys.readouterr()
        assert ": not fixed:" not in err, err
        assert _findings(target, tmp_path, policy_id, capsys) == []
        # What --diff showed is what fix wrote: nothing more, nothing less.
        assert main(["fix", "--diff", *args]) == 0
        assert capsys.readouterr().out == ""
    if update_golden:
        pytest.skip(f"updated the golden diffs of {policy_id}")


def _assert_left(target: Path, root: Path, policy_id: str, reason: str,
                 capsys: pytest.CaptureFixture[str]) -> None:
    """Every finding of the sample is left, with ``reason``, and nothing is written."""
    capsys.readouterr()
    code = main(["fix", str(target), "--root", str(root), "--select", policy_id, "--no-progress", "-q"])
    err = capsys.readouterr().err
    assert code == 1
    lines = [line for line in err.splitlines() if f": {policy_id} " in line]
    assert lines and all(f": not fixed: {reason}" in line for line in lines), err


def test_fix_exit_code_lists_what_remains(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = _copy(SAMPLES / "terraform" / "CT008" / "fail", "terraform", "CT008", tmp_path)
    # CT008 is fixed, CT009 (no key in the unit) remains: exit 1, and it is listed as scan lists it.
    assert main(["fix", "--diff", str(target), "--root", str(tmp_path), "--select", "CT008,CT009",
                 "--no-progress"]) == 1
    assert main(["fix", "--diff", str(target), "--root", str(tmp_path), "--select", "CT008",
                 "--no-progress"]) == 0
    capsys.readouterr()
    code = main(["fix", str(target), "--root", str(tmp_path), "--select", "CT008,CT009",
                 "-f", "json", "--no-progress"])
    out, err = capsys.readouterr()
    assert code == 1
    assert {f["id"] for f in json.loads(out)["findings"]} == {"CT009"}
    assert "CT009 aws_cloudtrail.omitted: not fixed: no KMS key of the unit lets CloudTrail use it" in err
    assert "fixed 2, not fixed 2" in err


def test_fix_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = _copy(SAMPLES / "terraform" / "CT008" / "fail", "terraform", "CT008", tmp_path)
    assert main(["fix", "--diff", str(target), "-o", f"json={tmp_path / 'r.json'}"]) == 2
    assert "--diff writes nothing" in capsys.readouterr().err
    assert main(["fix", "--difff", str(target)]) == 2
    assert "did you mean '--diff'" in capsys.readouterr().err
    assert main(["fix", str(tmp_path / "missing")]) == 2
    assert main(["fix", "--select", "CT9999", str(target)]) == 2


def test_suppressed_findings_are_not_fixed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_cloudtrail" "t" {\n'
        "  # trailscan:ignore CT008 digests are validated by the archive job\n"
        '  name           = "t"\n  s3_bucket_name = "b"\n}\n',
        encoding="utf-8",
    )
    before = _digest(tmp_path)
    assert main(["fix", str(tmp_path), "--select", "CT008", "--no-progress", "-q"]) == 0
    assert _digest(tmp_path) == before
    assert "fixed 0, not fixed 0" in capsys.readouterr().err
