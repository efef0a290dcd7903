"""Baselines: stable keys, mergeable file format, stale entries, malformed files."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from builders import model_of, placed_trail
from test_suppressions import CT008

from scanner.baseline import BaselineError, Entry, apply, dumps, entries_for, key, load, loads
from scanner.engine import evaluate
from scanner.model import Span
from scanner.results import Waiver, WaiverKind, builtin_finding


def findings(*trails):
    return evaluate(CT008, model_of(*trails)).findings


def test_key_ignores_lines() -> None:
    (a,) = findings(placed_trail(line=1))
    (b,) = findings(placed_trail(line=40))
    assert a.span.line != b.span.line
    assert key(a) == key(b) == Entry(path="main.tf", resource="aws_cloudtrail.main", id="CT008")


def test_key_includes_path() -> None:
    (a,) = findings(placed_trail(path="a.tf"))
    (b,) = findings(placed_trail(path="b.tf"))
    assert key(a) != key(b)


def test_dump_is_sorted_one_entry_per_line_and_round_trips() -> None:
    fs = findings(
        placed_trail(ref="aws_cloudtrail.z", path="b.tf"), placed_trail(ref="aws_cloudtrail.a", path="a.tf")
    )
    text = dumps(entries_for(fs))
    assert text == (
        "{\n"
        '  "version": 1,\n'
        '  "findings": [\n'
        '    {"id": "CT008", "path": "a.tf", "resource": "aws_cloudtrail.a"},\n'
        '    {"id": "CT008", "path": "b.tf", "resource": "aws_cloudtrail.z"}\n'
        "  ]\n"
        "}\n"
    )
    assert loads(text) == entries_for(fs)
    assert json.loads(text)["version"] == 1


def test_empty_baseline() -> None:
    assert loads(dumps([])) == []


def test_entries_skip_suppressed_and_parse_errors() -> None:
    (f,) = findings(placed_trail())
    parse = builtin_finding(
        "CT901", message="bad", resource="x.tf", span=Span(path="x.tf"), account="default"
    )
    assert entries_for([replace(f, suppressed=True, suppression=Waiver(WaiverKind.INLINE, "r")), parse]) == []


def test_apply_hides_exactly_the_entries() -> None:
    fs = findings(placed_trail(ref="aws_cloudtrail.a"), placed_trail(ref="aws_cloudtrail.b", line=30))
    entries = [Entry(path="main.tf", resource="aws_cloudtrail.a", id="CT008")]
    out, stale = apply(fs, entries)
    assert {(f.resource, f.suppressed, f.suppression) for f in out} == {
        ("aws_cloudtrail.a", True, Waiver(WaiverKind.BASELINE)),
        ("aws_cloudtrail.b", False, None),
    }
    assert stale == []


def test_parse_errors_are_never_hidden() -> None:
    parse = builtin_finding(
        "CT901", message="bad", resource="x.tf", span=Span(path="x.tf"), account="default"
    )
    out, _ = apply([parse], [Entry(path="x.tf", resource="x.tf", id="CT901")])
    assert out[0].suppressed is False


def test_stale_entries() -> None:
    fs = findings(placed_trail(validation=True))  # fixed: no finding any more
    entries = [Entry(path="main.tf", resource="aws_cloudtrail.main", id="CT008")]
    out, stale = apply(fs, entries)
    assert out == []
    assert stale == [{"id": "CT008", "path": "main.tf", "resource": "aws_cloudtrail.main"}]


def test_stale_only_for_what_this_scan_could_see(tmp_path: Path) -> None:
    (tmp_path / "other.tf").write_text("", encoding="utf-8")
    entries = [
        Entry(path="other.tf", resource="aws_cloudtrail.x", id="CT008"),  # not scanned
        Entry(path="deleted.tf", resource="aws_cloudtrail.y", id="CT008"),  # file gone
        Entry(path="main.tf", resource="aws_cloudtrail.main", id="CT009"),  # policy not run
        Entry(path="main.tf", resource="aws_cloudtrail.main", id="CT008"),  # fixed
    ]
    _, stale = apply([], entries, scanned={"main.tf"}, policy_ids={"CT008"}, root=tmp_path)
    assert [(s["path"], s["id"]) for s in stale] == [("deleted.tf", "CT008"), ("main.tf", "CT008")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not valid JSON"),
        ("[]", "expected an object"),
        ('{"version": 2, "findings": []}', "unsupported baseline version"),
        ('{"version": 1, "findings": {}}', "'findings' must be a list"),
        ('{"version": 1, "findings": [1]}', "findings[0] must be an object"),
        ('{"version": 1, "findings": [{"id": "CT008", "path": "a"}]}', "needs string resource"),
    ],
)
def test_malformed(text: str, message: str) -> None:
    with pytest.raises(BaselineError, match=message.replace("[", r"\[").replace("]", r"\]")):
        loads(text)


def test_load_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="does not exist"):
        load(tmp_path / "nope.json")


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scanner", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_malformed_baseline_is_usage_error(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n")
    bad = tmp_path / "b.json"
    bad.write_text("{oops", encoding="utf-8")
    proc = _cli("scan", ".", "--baseline", "b.json", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "not valid JSON" in proc.stderr
    assert "Traceback" not in proc.stderr


# ---------------------------------------------------------------------------
# End to end through the CLI (needs the Terraform parser)
# ---------------------------------------------------------------------------

TF_BAD = """\
resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = "logs"
  enable_log_file_validation = false
}
"""


def test_cli_baseline_round_trip(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(TF_BAD, encoding="utf-8")
    made = _cli("baseline", ".", "--select", "CT008", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert loads(made.stdout) == [Entry(path="main.tf", resource="aws_cloudtrail.main", id="CT008")]
    (tmp_path / ".trailscan-baseline.json").write_text(made.stdout, encoding="utf-8")

    # Lines move: still hidden.
    (tmp_path / "main.tf").write_text("\n\n# moved\n" + TF_BAD, encoding="utf-8")
    clean = _cli(
        "scan", ".", "--select", "CT008", "--baseline", ".trailscan-baseline.json", cwd=tmp_path
    )
    assert clean.returncode == 0, clean.stdout + clean.stderr

    # Written with --write too, and the config key works the same way.
    made2 = _cli("baseline", ".", "--select", "CT008", "--write", "b2.json", cwd=tmp_path)
    assert made2.returncode == 0 and made2.stdout == ""
    assert (tmp_path / "b2.json").read_text(encoding="utf-8") == made.stdout
    (tmp_path / ".trailscan.toml").write_text('baseline = ".trailscan-baseline.json"\n')
    assert _cli("scan", ".", "--select", "CT008", cwd=tmp_path).returncode == 0

    # Fixed: stale entry reported on stderr and in JSON; exit 0.
    (tmp_path / "main.tf").write_text(TF_BAD.replace("false", "true"), encoding="utf-8")
    fixed = _cli("scan", ".", "--select", "CT008", "--format", "json", cwd=tmp_path)
    assert fixed.returncode == 0
    assert json.loads(fixed.stdout)["stale_baseline"] == [
        {"id": "CT008", "path": "main.tf", "resource": "aws_cloudtrail.main"}
    ]
    assert "1 baseline entry no longer matches" in fixed.stderr
