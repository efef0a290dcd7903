"""``trailscan fix`` on the whole-account insecure samples of both formats: what can be
fixed is fixed, nothing else changes, and the edited code still passes the format's own
tools (``terraform fmt -check`` when the binary is there, the real cfn-lint)."""

from __future__ import annotations

import difflib
import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from scanner.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

pytestmark = pytest.mark.slow

# (policy, subject) pairs the fix must repair, and those it must leave with this reason.
FIXED = {
    ("CT001", "aws_cloudtrail.main"), ("CT001", "MainTrail"),
    ("CT007", "aws_cloudtrail.legacy"), ("CT007", "LegacyTrail"),
    ("CT008", "aws_cloudtrail.main"), ("CT008", "aws_cloudtrail.legacy"),
    ("CT008", "MainTrail"), ("CT008", "LegacyTrail"),
    ("CT105", "aws_s3_bucket.trail_logs"), ("CT105", "TrailBucket"),
    ("CT202", "aws_kms_key.trail"), ("CT202", "TrailKey"),
    ("CT301", "aws_cloudwatch_log_group.trail"), ("CT301", "TrailLogGroup"),
}
LEFT = {
    # Multi-region with global service events off is rejected by CloudTrail (CT006).
    ("CT001", "aws_cloudtrail.legacy"): "rolled back: the edit would add CT006",
    ("CT001", "LegacyTrail"): "rolled back: the edit would add CT006",
    # The only key has the console's default policy: CloudTrail may not use it.
    ("CT009", "aws_cloudtrail.main"): "no KMS key of the unit lets CloudTrail use it",
    ("CT009", "aws_cloudtrail.legacy"): "no KMS key of the unit lets CloudTrail use it",
    ("CT009", "MainTrail"): "no KMS key of the unit lets CloudTrail use it",
    ("CT009", "LegacyTrail"): "no KMS key of the unit lets CloudTrail use it",
    ("CT302", "aws_cloudwatch_log_group.trail"): "no KMS key of the unit lets CloudWatch Logs use it",
    ("CT302", "TrailLogGroup"): "no KMS key of the unit lets CloudWatch Logs use it",
}
LOG_LINE = re.compile(r"^(?P<where>\S+): (?P<id>CT\d{3}) (?P<subject>\S+): (?P<verdict>fixed|not fixed): (?P<detail>.*)$")


def _scan(paths: list[Path], root: Path, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    capsys.readouterr()
    main(["scan", *map(str, paths), "--root", str(root), "-f", "json", "--no-progress"])
    return [f for f in json.loads(capsys.readouterr().out)["findings"] if not f["suppressed"]]


def _keys(findings: list[dict]) -> Counter[tuple[str, str, str]]:
    return Counter((f["id"], f["account"], f["resource"]) for f in findings)


@pytest.fixture
def fixed_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    shutil.copyfile(SAMPLES / ".trailscan.toml", tmp_path / ".trailscan.toml")
    shutil.copytree(SAMPLES / "terraform" / "insecure", tmp_path / "terraform" / "insecure")
    (tmp_path / "cloudformation").mkdir()
    shutil.copyfile(SAMPLES / "cloudformation" / "insecure.yaml", tmp_path / "cloudformation" / "insecure.yaml")
    paths = [tmp_path / "terraform" / "insecure", tmp_path / "cloudformation" / "insecure.yaml"]
    originals = {p: p.read_text(encoding="utf-8") for p in tmp_path.rglob("*") if p.is_file()}
    before = _scan(paths, tmp_path, capsys)
    code = main(["fix", *map(str, paths), "--root", str(tmp_path), "-f", "json", "--no-progress"])
    out, err = capsys.readouterr()
    log = [m.groupdict() for line in err.splitlines() if (m := LOG_LINE.match(line))]
    return {"root": tmp_path, "paths": paths, "before": before, "after": json.loads(out)["findings"],
            "code": code, "log": log, "originals": originals}


def test_the_fixable_findings_are_gone_and_nothing_else_changes(fixed_tree: dict) -> None:
    log = fixed_tree["log"]
    fixed = {(e["id"], e["subject"]) for e in log if e["verdict"] == "fixed"}
    left = {(e["id"], e["subject"]): e["detail"] for e in log if e["verdict"] == "not fixed"}
    assert fixed == FIXED
    assert set(left) == set(LEFT)
    for key, reason in LEFT.items():
        assert left[key].startswith(reason), (key, left[key])

    before, after = _keys(fixed_tree["before"]), _keys(fixed_tree["after"])
    assert not (after - before), f"new findings: {after - before}"
    gone = before - after
    assert {(k[0], k[2]) for k in gone} == FIXED, "a finding other than the fixed ones changed"
    assert fixed_tree["code"] == 1  # the rest is still reported, as `scan` reports it


def test_only_the_fixed_values_change(fixed_tree: dict) -> None:
    for path, old in fixed_tree["originals"].items():
        new = path.read_text(encoding="utf-8")
        diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm=""))[2:]
        removed = [d[1:] for d in diff if d.startswith("-")]
        added = {d[1:] for d in diff if d.startswith("+")}
        for line in removed:
            # A changed line differs from its original by the literal the fix rewrote, or
            # is a closing brace a new resource was written after.
            changed = re.sub(r"\b(false|30)\b", lambda m: {"false": "true", "30": "365"}[m.group(1)], line)
            assert changed in added or line.strip() == "}", (path, line)


def test_the_edited_terraform_is_fmt_clean(fixed_tree: dict) -> None:
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("terraform is not on PATH: terraform fmt -check not run")
    folder = fixed_tree["paths"][0]
    done = subprocess.run([terraform, "fmt", "-check", "-diff", str(folder)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def _cfn_lint(path: Path) -> list[tuple[str, str]]:
    """(rule id, severity) of every cfn-lint match, the real cfn-lint through its API."""
    from cfnlint.api import lint_file

    return sorted((m.rule.id, str(m.rule.severity)) for m in lint_file(path))


def test_the_edited_template_passes_cfn_lint(fixed_tree: dict, tmp_path_factory: pytest.TempPathFactory) -> None:
    edited = fixed_tree["paths"][1]
    original = tmp_path_factory.mktemp("original") / "insecure.yaml"
    original.write_text(fixed_tree["originals"][edited], encoding="utf-8")
    before, after = _cfn_lint(original), _cfn_lint(edited)
    assert ("W3045", "warning") in before  # cfn-lint really ran: the sample's legacy ACL
    assert not [m for m in after if m[1] == "error"], after
    assert after == before  # not one new warning
