"""trailscan inside the tools people already run: the cfn-lint plugin (with the real
cfn-lint) and checkov's ``.checkov.yaml`` skip list."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sample_harness import expected_markers

from scanner.cli import main
from scanner.integrations import cfnlint_rule_id
from scanner.integrations.cfnlint_bridge import rule_specs

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "cloudformation"
CFN_LINT = Path(sys.executable).parent / "cfn-lint"


def _rules_dir() -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "scanner", "cfn-lint-rules"], capture_output=True, text=True, check=True
    )
    path = proc.stdout.strip()
    assert Path(path).is_dir() and proc.stdout.count("\n") == 1
    return path


def _cfn_lint(*args: str) -> tuple[int, list[tuple[str, int, int, str, str]]]:
    proc = subprocess.run(
        [str(CFN_LINT), "--format", "parseable", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    matches = []
    for line in proc.stdout.splitlines():
        path, start, col, _end, _end_col, rule, message = line.split(":", 6)
        matches.append((path, int(start), int(col), rule, message))
    return proc.returncode, matches


def test_rule_ids_are_in_cfn_lints_custom_range() -> None:
    ids = [cfnlint_rule_id(s.id) for s in rule_specs()]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("E9") and len(i) == 5 for i in ids)
    assert cfnlint_rule_id("CT008") == "E9008" and cfnlint_rule_id("CT401") == "E9401"
    assert "E9901" not in ids  # a template cfn-lint cannot parse is cfn-lint's own E0000


def test_failing_template_reports_trailscans_findings_at_their_lines() -> None:
    code, matches = _cfn_lint("--append-rules", _rules_dir(), "--", str(SAMPLES / "insecure.yaml"))
    ours = [m for m in matches if m[3].startswith("E9")]
    assert code != 0 and ours
    for _path, _line, _col, rule, message in ours:
        assert message.startswith(f"CT{rule[2:]} "), (rule, message)
    expected = {
        (line, cfnlint_rule_id(pid)) for _p, line, pid in expected_markers(SAMPLES / "insecure.yaml", SAMPLES, None)
    }
    assert {(line, rule) for _p, line, _c, rule, _m in ours} == expected


def test_passing_template_gives_no_trailscan_match() -> None:
    code, matches = _cfn_lint("--append-rules", _rules_dir(), "--", str(SAMPLES / "secure-baseline.yaml"))
    assert [m for m in matches if m[3].startswith("E9")] == []
    assert code == 0, matches


def test_cfn_lint_options_apply_to_trailscans_rules(tmp_path: Path) -> None:
    template = tmp_path / "trail.yaml"
    template.write_text(
        "Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n"
        "      IsLogging: true\n      S3BucketName: logs\n      IsMultiRegionTrail: true\n",
        encoding="utf-8",
    )
    _, matches = _cfn_lint("--append-rules", _rules_dir(), "--", str(template))
    assert "E9008" in {m[3] for m in matches}
    _, matches = _cfn_lint("--append-rules", _rules_dir(), "--ignore-checks", "E9008", "--", str(template))
    assert "E9008" not in {m[3] for m in matches} and "E9009" in {m[3] for m in matches}


# ---------------------------------------------------------------------------
# checkov's .checkov.yaml
# ---------------------------------------------------------------------------

BAD_TRAIL = """\
resource "aws_cloudtrail" "t" {
  name           = "t"
  s3_bucket_name = "b"
}
"""


def _ids(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> set[str]:
    assert main([str(tmp_path / "infra"), "-f", "json", *args]) in (0, 1)
    return {f["id"] for f in json.loads(capsys.readouterr().out)["findings"]}


@pytest.mark.parametrize(
    ("checkov", "gone"),
    [
        ("skip-check:\n  - CKV_AWS_36\n", {"CT008"}),
        ("skip-check: CKV_AWS_36,CKV_AWS_35\n", {"CT008", "CT009"}),
        ("skip-check:\n  - CKV_AWS_3*\n", {"CT008", "CT009"}),
        ("skip-check:\n  - CKV_DOCKER_2\n  - LOW\n", set()),
        ("framework: terraform\n", set()),
    ],
)
def test_checkov_skip_check_becomes_ignores(checkov: str, gone: set[str], tmp_path: Path, capsys) -> None:
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(BAD_TRAIL, encoding="utf-8")
    (tmp_path / ".checkov.yaml").write_text(checkov, encoding="utf-8")
    everything = _ids(tmp_path, capsys, "--select", "CT008,CT009,CT010")
    assert everything == {"CT008", "CT009", "CT010"}
    skipped = _ids(tmp_path, capsys, "--select", "CT008,CT009,CT010", "--checkov-config", str(tmp_path / ".checkov.yaml"))
    assert skipped == everything - gone


@pytest.mark.parametrize("content", ["skip-check: {a: 1}\n", "- just\n- a list\n", "skip-check: [\n"])
def test_bad_checkov_config_is_a_usage_error(content: str, tmp_path: Path, capsys) -> None:
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(BAD_TRAIL, encoding="utf-8")
    config = tmp_path / ".checkov.yaml"
    config.write_text(content, encoding="utf-8")
    assert main([str(tmp_path / "infra"), "--checkov-config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("trailscan: error: ") and len(err.strip().splitlines()) == 1
    assert main([str(tmp_path / "infra"), "--checkov-config", str(tmp_path / "missing.yaml")]) == 2
