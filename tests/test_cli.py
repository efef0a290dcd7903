"""The command line: exit codes, subcommands, option errors, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.cli import main

ROOT = Path(__file__).resolve().parent.parent

GOOD_TRAIL = """
resource "aws_cloudtrail" "t" {
  name                       = "t"
  s3_bucket_name             = "b"
  enable_log_file_validation = true
}
"""
BAD_TRAIL = """
resource "aws_cloudtrail" "t" {
  name           = "t"
  s3_bucket_name = "b"
}
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_scan_exits_0(tmp_path: Path, capsys) -> None:
    _write(tmp_path, "main.tf", GOOD_TRAIL)
    assert main([str(tmp_path), "--select", "CT008", "--root", str(tmp_path), "--no-color"]) == 0
    out = capsys.readouterr().out
    assert "CT008" not in out and "1 file" in out


def test_finding_exits_1_and_text_line_format(tmp_path: Path, capsys) -> None:
    _write(tmp_path, "main.tf", BAD_TRAIL)
    assert main(["scan", str(tmp_path), "--select", "CT008", "--root", str(tmp_path), "--no-color"]) == 1
    out = capsys.readouterr().out
    assert "main.tf:2:1: CT008 [HIGH]" in out


def test_fail_on_threshold(tmp_path: Path) -> None:
    _write(tmp_path, "main.tf", BAD_TRAIL)
    assert main([str(tmp_path), "--select", "CT008", "--fail-on", "critical"]) == 0


def test_json_has_design_shape(tmp_path: Path, capsys) -> None:
    _write(tmp_path, "main.tf", BAD_TRAIL)
    main([str(tmp_path), "--select", "CT008", "--format", "json", "--root", str(tmp_path)])
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= {"version", "tool", "findings", "evaluations", "errors", "summary"}
    finding = report["findings"][0]
    assert {k: finding[k] for k in ("id", "path", "line", "resource", "suppressed")} == {
        "id": "CT008",
        "path": "main.tf",
        "line": 2,
        "resource": "aws_cloudtrail.t",
        "suppressed": False,
    }
    assert report["evaluations"] == [
        {
            "policy": "CT008",
            "account": "default",
            "subject": "aws_cloudtrail.t",
            "status": "fail",
            "path": "main.tf",
            "line": 2,
            "reason": finding["message"],
        }
    ]
    assert report["summary"]["files"] == {"scanned": 1, "not_ours": 0, "failed": 0}


def test_parse_error_is_ct901_and_rest_of_scan_continues(tmp_path: Path, capsys) -> None:
    _write(tmp_path, "a/main.tf", 'resource "aws_cloudtrail" "x" {\n  name = \n')
    _write(tmp_path, "b/main.tf", BAD_TRAIL)
    code = main([str(tmp_path), "--select", "CT008", "--format", "json", "--root", str(tmp_path)])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    ids = sorted((f["id"], f["path"]) for f in report["findings"])
    assert ids == [("CT008", "b/main.tf"), ("CT901", "a/main.tf")]
    assert report["errors"][0]["path"] == "a/main.tf" and report["errors"][0]["line"] >= 1


def test_parse_error_blocks_even_with_high_threshold(tmp_path: Path) -> None:
    _write(tmp_path, "main.tf", "resource {{{")
    assert main([str(tmp_path), "--fail-on", "critical"]) in (1, 2)


def test_nothing_to_scan_is_2(tmp_path: Path, capsys) -> None:
    _write(tmp_path, "README.md", "hello")
    assert main([str(tmp_path)]) == 2
    assert "nothing to scan" in capsys.readouterr().err


def test_explicit_files_not_ours_exit_0(tmp_path: Path) -> None:
    path = _write(tmp_path, ".github/workflows/ci.yml", "on: push\njobs: {}\n")
    assert main([str(path)]) == 0


def test_list_and_explain(capsys) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "CT008" in out and "log-file-validation" in out
    assert main(["explain", "CT008"]) == 0
    out = capsys.readouterr().out
    assert "Why is this bad" in out and "How to fix" in out
    assert main(["explain", "CKV_AWS_36"]) == 0  # an alias finds the policy
    assert main(["explain", "CT999"]) == 2


def test_usage_errors_exit_2_without_traceback(tmp_path: Path, capsys) -> None:
    assert main(["--fail-on", "severe", str(tmp_path)]) == 2
    assert main([str(tmp_path), "--var", "novalue"]) == 2
    assert main([str(tmp_path), "--var-file", str(tmp_path / "missing.tfvars")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err


def test_unknown_config_key_is_an_error_with_suggestion(tmp_path: Path, capsys) -> None:
    _write(tmp_path, ".trailscan.toml", "fail_onn = 'high'\n")
    _write(tmp_path, "main.tf", GOOD_TRAIL)
    assert main([str(tmp_path)]) == 2
    assert "did you mean 'fail_on'" in capsys.readouterr().err


def test_python_dash_m_scanner(tmp_path: Path) -> None:
    _write(tmp_path, "main.tf", BAD_TRAIL)
    proc = subprocess.run(
        [sys.executable, "-m", "scanner", str(tmp_path), "--select", "CT008", "--no-color"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1 and "CT008" in proc.stdout and "Traceback" not in proc.stderr


def test_terraform_only_scan_does_not_import_cfnlint(tmp_path: Path) -> None:
    _write(tmp_path, "main.tf", BAD_TRAIL)
    code = (
        "import sys\nfrom scanner.cli import main\n"
        f"main([{str(tmp_path)!r}, '--format', 'json'])\n"
        "print('cfnlint' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["scan", "--help"]])
def test_help_and_version(argv, capsys) -> None:
    assert main(argv) == 0


def test_suppressed_finding_shows_as_suppressed_evaluation(tmp_path: Path, capsys) -> None:
    _write(
        tmp_path,
        "main.tf",
        BAD_TRAIL.replace('  name           = "t"', '  # trailscan:ignore CT008 validated by the SIEM\n  name = "t"'),
    )
    assert main([str(tmp_path), "--select", "CT008", "--format", "json", "--root", str(tmp_path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [f["suppressed"] for f in report["findings"]] == [True]
    assert [e["status"] for e in report["evaluations"]] == ["suppressed"]


def test_a_scan_that_checked_nothing_says_so(tmp_path: Path, capsys) -> None:
    # A module of buckets only, whose trail lives in a registry module nobody installed:
    # every policy is not applicable, which must not read as "checked and clean".
    _write(tmp_path, "main.tf", """
module "trail" {
  source  = "cloudposse/cloudtrail/aws"
  version = "0.24.0"
}
resource "aws_sns_topic" "alerts" {
  name = "alerts"
}
""")
    assert main([str(tmp_path), "--root", str(tmp_path), "--no-color", "--no-cache"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert "1 module call not read" in last
    assert "nothing checked" in last
    assert main([str(tmp_path), "--root", str(tmp_path), "--format", "json", "--no-cache"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert summary["nothing_checked"] is True and summary["modules_not_read"] == 1


def test_a_scan_that_checked_a_trail_does_not_say_nothing_checked(tmp_path: Path, capsys) -> None:
    _write(tmp_path, "main.tf", GOOD_TRAIL)
    main([str(tmp_path), "--root", str(tmp_path), "--format", "json", "--no-cache"])
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert "nothing_checked" not in summary and "modules_not_read" not in summary
