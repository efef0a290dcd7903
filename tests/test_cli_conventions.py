"""The conventions users bring from ruff, checkov and trivy: aliases in --select/--ignore,
exit 2 on an unknown id, --fail-on none, --exit-zero, one-line usage errors with a
suggestion, help for every option, config from the paths' common root, -o FORMAT=-, and
reports that are complete or absent."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.cli import build_parser, main
from scanner.cli.outputs import OutputError, check_targets, write_reports

ROOT = Path(__file__).resolve().parent.parent

BAD_TRAIL = """\
resource "aws_cloudtrail" "t" {
  name           = "t"
  s3_bucket_name = "b"
}
"""
BROKEN = 'resource "aws_cloudtrail" "x" {\n'


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def _ids(out: str) -> set[str]:
    return {f["id"] for f in json.loads(out)["findings"]}


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("trailscan: error: "), err
    assert "Traceback" not in err and "CT901" not in err
    return lines[0]


# ---------------------------------------------------------------------------
# --select / --ignore
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("alias", ["CKV_AWS_36", "ckv_aws_36", "AVD-AWS-0016", "log-file-validation", "CT008"])
def test_select_accepts_every_alias(alias: str, tmp_path: Path, capsys) -> None:
    _tree(tmp_path, {"main.tf": BAD_TRAIL})
    assert main([str(tmp_path), "--select", alias, "-f", "json"]) == 1
    assert _ids(capsys.readouterr().out) == {"CT008"}


def test_ignore_accepts_aliases(tmp_path: Path, capsys) -> None:
    _tree(tmp_path, {"main.tf": BAD_TRAIL})
    main([str(tmp_path), "--select", "CT008,CT009", "-f", "json"])
    assert _ids(capsys.readouterr().out) == {"CT008", "CT009"}
    main([str(tmp_path), "--select", "CT008,CT009", "--ignore", "AVD-AWS-0015", "-f", "json"])
    assert _ids(capsys.readouterr().out) == {"CT008"}


@pytest.mark.parametrize(
    ("selector", "hint"),
    [("CT9999", ""), ("CKV_AWS_63", "CKV_AWS_67"), ("CT4O1", ""), ("AVD-AWS-016", "AVD-AWS-01")],
)
def test_unknown_selector_is_a_usage_error(selector: str, hint: str, tmp_path: Path, capsys) -> None:
    _tree(tmp_path, {"main.tf": BAD_TRAIL})
    for option in ("--select", "--ignore"):
        assert main([str(tmp_path), option, selector]) == 2
        line = _one_error_line(capsys.readouterr().err)
        assert selector in line and option in line
        if hint:
            assert f"did you mean {hint}" in line


def test_unknown_selector_in_config_is_an_error(tmp_path: Path, capsys) -> None:
    _tree(tmp_path, {"main.tf": BAD_TRAIL, ".trailscan.toml": 'ignore = ["CT0O8"]\n'})
    assert main([str(tmp_path)]) == 2
    assert "CT0O8" in _one_error_line(capsys.readouterr().err)


def test_prefix_still_selects_a_range(tmp_path: Path, capsys) -> None:
    _tree(tmp_path, {"main.tf": BAD_TRAIL})
    main([str(tmp_path), "--select", "CT00", "-f", "json"])
    assert _ids(capsys.readouterr().out) >= {"CT008", "CT009"}


# ---------------------------------------------------------------------------
# Exit codes
# ---------------------------------------------------------------------------


def test_fail_on_none_never_fails_on_findings(tmp_path: Path, capsys) -> None:
    _tree(tmp_path, {"main.tf": BAD_TRAIL})
    assert main([str(tmp_path), "--fail-on", "none", "--no-color"]) == 0
    out = capsys.readouterr().out
    assert "CT008" in out and "0 blocking at or above none" in out


def test_fail_on_none_still_fails_on_a_parse_error(tmp_path: Path, capsys) -> None:
    _tree(tmp_path, {"good/main.tf": BAD_TRAIL, "broken/main.tf": BROKEN})
    assert main([str(tmp_path), "--fail-on", "none", "-f", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["fail_on"] == "none"
    assert report["summary"]["blocking"] == 1 and report["summary"]["exit_code"] == 1


def test_fail_on_none_in_the_markdown_report(tmp_path: Path, capsys) -> None:
    _tree(tmp_path, {"main.tf": BAD_TRAIL})
    assert main([str(tmp_path), "--fail-on", "none", "-f", "markdown"]) == 0
    assert "no blocking findings" in capsys.readouterr().out


def test_exit_zero(tmp_path: Path, capsys) -> None:
    _tree(tmp_path, {"good/main.tf": BAD_TRAIL, "broken/main.tf": BROKEN})
    assert main([str(tmp_path), "--exit-zero", "--no-color"]) == 0
    assert "CT901" in capsys.readouterr().out
    assert main([str(tmp_path), "--exit-zero", "--select", "CT9999"]) == 2
    assert main([str(tmp_path / "nope"), "--exit-zero"]) == 2


# ---------------------------------------------------------------------------
# Paths and typos: one line, exit 2, never a CT901
# ---------------------------------------------------------------------------


def test_nonexistent_path(tmp_path: Path, capsys) -> None:
    assert main([str(tmp_path / "nope.tf"), "--no-color"]) == 2
    captured = capsys.readouterr()
    assert "no such file or directory" in _one_error_line(captured.err)
    assert captured.out == ""


def test_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.tf"
    os.mkfifo(fifo)
    proc = subprocess.run(
        [sys.executable, "-m", "scanner", str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,  # opening the FIFO for reading would block until the timeout
        check=False,
    )
    assert proc.returncode == 2
    assert "not a regular file or a directory" in _one_error_line(proc.stderr)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["scann", "."], "unknown command 'scann' (did you mean 'scan'?)"),
        (["expalin", "CT008"], "unknown command 'expalin' (did you mean 'explain'?)"),
        ([".", "--fial-on", "low"], "unknown option '--fial-on' (did you mean '--fail-on'?)"),
        (["scan", ".", "--selct=CT008"], "unknown option '--selct' (did you mean '--select'?)"),
        (["list", "--formt", "json"], "unknown option '--formt' (did you mean '--format'?)"),
    ],
)
def test_typos_get_did_you_mean(argv: list[str], expected: str, capsys, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path, {"main.tf": BAD_TRAIL})
    assert main(argv) == 2
    assert _one_error_line(capsys.readouterr().err) == f"trailscan: error: {expected}"


def test_a_path_named_like_a_command_is_still_a_path(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path, {"scann/main.tf": BAD_TRAIL})
    assert main(["scann", "--select", "CT008", "-f", "json"]) == 1
    assert _ids(capsys.readouterr().out) == {"CT008"}


def test_help_lists_the_scan_options(capsys) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--fail-on", "--exit-zero", "--select", "--output", "--policies-dir", "--checkov-config"):
        assert option in out
    flat = " ".join(out.split())
    assert "none, low, medium, high, critical" in flat
    assert "text, json, sarif, junit, github, markdown" in flat


def _all_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    out = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                out += _all_parsers(sub)
    return out


def test_every_option_has_help_and_lists_its_choices() -> None:
    for parser in _all_parsers(build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help and action.help != argparse.SUPPRESS, (parser.prog, action.dest)
            if action.choices and not isinstance(action.choices, dict):
                for choice in action.choices:
                    assert str(choice) in action.help, (parser.prog, action.dest, choice)


# ---------------------------------------------------------------------------
# Configuration from the common root of the paths
# ---------------------------------------------------------------------------


def test_config_is_found_from_the_common_root(tmp_path: Path, monkeypatch, capsys) -> None:
    _tree(
        tmp_path,
        {
            "repo/.trailscan.toml": 'select = ["CT008"]\n',
            "repo/a/main.tf": BAD_TRAIL,
            "repo/b/main.tf": BAD_TRAIL,
            "repo/a/.trailscan.toml": 'select = ["CT009"]\n',
        },
    )
    repo = tmp_path / "repo"
    main([str(repo / "a"), str(repo / "b"), "-f", "json"])
    assert _ids(capsys.readouterr().out) == {"CT008"}  # repo/, not repo/a (the first path)
    monkeypatch.chdir(repo / "a")
    main(["-f", "json"])
    assert _ids(capsys.readouterr().out) == {"CT009"}  # no path: the working directory


# ---------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------


def test_output_dash_is_stdout(tmp_path: Path, monkeypatch, capsys) -> None:
    _tree(tmp_path, {"main.tf": BAD_TRAIL})
    monkeypatch.chdir(tmp_path)
    assert main([".", "--select", "CT008", "-o", "sarif=-"]) == 1
    out = capsys.readouterr().out
    assert json.loads(out)["version"] == "2.1.0"  # only the SARIF document
    assert not (tmp_path / "-").exists()
    assert main([".", "-o", "sarif=-", "-o", "json=-"]) == 2
    assert "only one report can go to stdout" in _one_error_line(capsys.readouterr().err)
    assert main([".", "-f", "json", "-o", "sarif=-"]) == 2


def test_output_directory_must_exist_and_nothing_is_written_on_usage_errors(tmp_path: Path, capsys) -> None:
    _tree(tmp_path, {"main.tf": BAD_TRAIL})
    report = tmp_path / "report.json"
    assert main([str(tmp_path), "-o", f"json={report}", "-o", f"sarif={tmp_path}/missing/x.sarif"]) == 2
    assert "directory" in _one_error_line(capsys.readouterr().err)
    assert not report.exists() and not (tmp_path / "missing").exists()
    # A usage error found later (an unknown id) also leaves the old report untouched.
    report.write_text("old", encoding="utf-8")
    assert main([str(tmp_path), "-o", f"json={report}", "--select", "CT9999"]) == 2
    assert report.read_text(encoding="utf-8") == "old"
    # Nothing to scan (exit 2): no report either.
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main([str(empty), "-o", f"json={report}"]) == 2
    assert report.read_text(encoding="utf-8") == "old"
    assert main([str(tmp_path), "-o", f"json={report}"]) == 1
    assert json.loads(report.read_text(encoding="utf-8"))["findings"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "main.tf", "report.json"]


def test_output_to_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a directory"):
        check_targets([("json", str(tmp_path))])
    with pytest.raises(OutputError, match="named twice"):
        check_targets([("json", str(tmp_path / "a")), ("sarif", str(tmp_path / "a"))])


def test_a_failed_report_leaves_no_partial_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    first, second = tmp_path / "a.json", out / "b.sarif"
    first.write_text("previous", encoding="utf-8")
    check_targets([("json", str(first)), ("sarif", str(second))])

    def render(fmt: str) -> str:
        if fmt == "sarif":
            out.rmdir()  # the second report's directory vanishes after the check
        return '{"new": true}'

    with pytest.raises(OutputError, match="cannot write sarif report"):
        write_reports([("json", str(first)), ("sarif", str(second))], render, lambda _: None)
    # Every report is written to a temporary file before any is renamed into place.
    assert first.read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]  # no temporary file left


def test_reports_get_ordinary_permissions(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    write_reports([("json", str(target))], lambda _: "{}", lambda _: None)
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


# ---------------------------------------------------------------------------
# cfn-lint is optional
# ---------------------------------------------------------------------------


def test_cfn_lint_option_without_cfn_lint_is_a_usage_error(tmp_path: Path) -> None:
    _tree(tmp_path, {"main.tf": BAD_TRAIL})
    code = (
        "import sys\nsys.modules['cfnlint'] = None  # as if cfn-lint were not installed\n"
        "from scanner.cli import main\n"
        f"sys.exit(main([{str(tmp_path)!r}, '--cfn-lint']))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 2, proc.stderr
    line = _one_error_line(proc.stderr)
    assert "pip install 'trailscan[cfn-lint]'" in line


def test_explain_lists_and_accepts_every_alias(capsys) -> None:
    from scanner.engine import load_policies

    for spec in load_policies():
        for name in (spec.id, spec.name, *spec.aliases):
            assert main(["explain", name]) == 0, name
            out = capsys.readouterr().out
            assert out.startswith(f"{spec.id} {spec.name} ")
            known = next((line for line in out.splitlines() if line.startswith("Also known as:")), "")
            for alias in spec.aliases:
                assert alias in known, (name, out[:300])
    assert main(["explain", "CKV_AWS_3"]) == 2  # aliases are exact, not prefixes
