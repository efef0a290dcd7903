"""Names, paths and messages from scanned files cannot drive the terminal or forge lines.

Resource names, logical ids and file names are attacker-controlled: an ESC sequence would
recolour or clear the screen, OSC 8 would hide a hyperlink, CR/LF would forge a finding
line or an "ok" verdict, bidi overrides would reorder what a reviewer reads. The text and
GitHub reporters show every such character as a visible escape; and reporters never read
a file outside the scan root (the CT901 about a symlink pointing out has no snippet).
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from guards import run_cli_guarded, run_guarded
from report_data import synthetic_result

from scanner.model import Severity, Span
from scanner.policy import Related
from scanner.reporters import RenderOptions, render
from scanner.reporters.common import SourceFiles
from scanner.reporters.terminal import escape_controls
from scanner.results import Finding, ScanResult, Waiver, WaiverKind

# Raw characters that must never reach a terminal (newline is the reporters' own).
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                    "\u2028\u2029\ud800-\udfff]")
ESC = "\x1b"
OSC8 = "\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07"
NASTY = f"{ESC}[2J{ESC}[31mred{OSC8}\rok: 0 findings\nforged.tf:1:1: CT000 [LOW] x\u202eevil\x9b1m\udcff"


def test_escape_controls_shows_each_character() -> None:
    assert escape_controls("plain name-1.tf") == "plain name-1.tf"
    assert escape_controls("a\x1b[31mb") == "a\\x1b[31mb"
    assert escape_controls("a\rb\nc\td") == "a\\rb\\nc\\td"
    assert escape_controls("a\nb", keep_newlines=True) == "a\nb"
    assert escape_controls("x\u202ey\u2066z") == "x\\u202ey\\u2066z"
    assert escape_controls("\x9b\x85\x7f") == "\\x9b\\x85\\x7f"
    assert escape_controls("bad\udcffbyte") == "bad\\udcffbyte"
    assert escape_controls("é ü 日本 ✓") == "é ü 日本 ✓"
    assert not UNSAFE.search(escape_controls(NASTY))


def _hostile_result(root: Path) -> ScanResult:
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "src" / "main.tf").write_text(
        f'resource "aws_cloudtrail" "{ESC}[31mt" {{\n  name = "{ESC}]8;;x{ESC}\\\\" # é\n}}\n'
    )
    base = synthetic_result(root=root, fail_on=Severity.LOW)
    finding = Finding(
        id="CT008",
        name="log-file-validation",
        severity=Severity.HIGH,
        title="Trails must enable log file validation",
        message=f"Trail {NASTY} has validation off.\nsecond line {ESC}[8m",
        resource=f"aws_cloudtrail.{NASTY}",
        span=Span(path="src/main.tf", line=2, column=3, end_line=2, end_column=20),
        account=f"acct{ESC}[1m",
        related=(Related(label=f"bucket{ESC}[5m", ref=f"b\r\n{OSC8}",
                         span=Span(path=f"src/{ESC}[7m.tf", line=1)),),
    )
    suppressed = replace(finding, suppressed=True, suppression=Waiver(WaiverKind.INLINE, f"{ESC}[41mreason"),
                         span=Span(path=f"we\nird{ESC}.tf"))
    return replace(base, findings=[finding, suppressed])


def test_text_report_escapes_every_control(tmp_path: Path) -> None:
    result = _hostile_result(tmp_path)
    text = render("text", result, RenderOptions(show_suppressed=True))
    assert not UNSAFE.search(text)
    assert "\\x1b[31mred\\x1b]8;;https://evil.example/\\x07click" in text
    assert "\\rok: 0 findings\\nforged.tf:1:1: CT000" in text  # one line, not a forged one
    assert not any(line.startswith("forged.tf") for line in text.splitlines())
    assert "\\u202eevil\\x9b1m\\udcff" in text
    text.encode("utf-8")  # no lone surrogate left to fail the write


def test_colour_codes_are_only_the_reporters_own(tmp_path: Path) -> None:
    text = render("text", _hostile_result(tmp_path), RenderOptions(color=True, show_suppressed=True))
    for sequence in re.findall(r"\x1b[^a-zA-Z]*[a-zA-Z]?", text):
        assert re.fullmatch(r"\x1b\[[0-9;]*m", sequence), repr(sequence)
    assert "\x1b]" not in text and "\x07" not in text


def test_snippet_is_escaped_and_underline_stays_aligned(tmp_path: Path) -> None:
    result = _hostile_result(tmp_path)
    lines = render("text", result, RenderOptions()).splitlines()
    code = next(line for line in lines if line.startswith("  2 |"))
    assert code == '  2 |   name = "\\x1b]8;;x\\x1b\\\\" # é'
    caret = lines[lines.index(code) + 1]
    # Columns 3..19 of the source are 'name = "<ESC>]8;;x<ESC>\\' (17 characters), shown
    # as 23: the underline covers what is shown, not what was in the file.
    assert caret == "    |   " + "^" * len('name = "\\x1b]8;;x\\x1b\\\\')


def test_github_annotations_escape_controls_then_commands(tmp_path: Path) -> None:
    out = render("github", _hostile_result(tmp_path), RenderOptions())
    assert not UNSAFE.search(out)
    commands = [line for line in out.splitlines() if line.startswith("::")]
    assert len(commands) == 1  # the suppressed one is not annotated; nothing forged
    line = commands[0]
    assert line.startswith("::error file=src/main.tf,line=2,col=3,endColumn=20,title=")
    assert "%0Asecond line \\x1b[8m" in line  # the message's own line break survives
    assert "\\rok%3A" not in line and "\\rok: 0 findings\\nforged.tf:1:1" in line


def test_github_property_escaping_of_a_hostile_path(tmp_path: Path) -> None:
    base = _hostile_result(tmp_path)
    odd = replace(base.findings[0], span=Span(path="a,b:c%d\ne.tf", line=1))
    line = render("github", replace(base, findings=[odd]), RenderOptions()).splitlines()[0]
    assert line.startswith("::error file=a%2Cb%3Ac%25d\\ne.tf,line=1,")


# ---------------------------------------------------------------------------
# Reporters never read outside the scan root
# ---------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_source_files_refuse_links_out_of_the_root(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret.yaml").write_text("password: hunter2\n")
    (outside / "dir").mkdir()
    (outside / "dir" / "main.tf").write_text("secret = 1\n")
    os.symlink(outside / "secret.yaml", root / "link.yaml")
    os.symlink(outside / "dir", root / "linkdir")
    (root / "inside.yaml").write_text("a: 1\n")
    os.symlink("inside.yaml", root / "alias.yaml")
    sources = SourceFiles(root)
    assert sources.lines("link.yaml") is None
    assert sources.lines("linkdir/main.tf") is None
    assert sources.lines("../outside/secret.yaml") is None
    assert sources.lines("inside.yaml") == ["a: 1", ""]
    assert sources.lines("alias.yaml") == ["a: 1", ""]  # a link that stays inside is fine


def _fifo_lines(root: Path) -> object:
    return SourceFiles(root).lines("pipe.tf")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_source_files_never_open_a_fifo(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.tf")
    assert run_guarded(_fifo_lines, tmp_path, wall_seconds=20) is None


@pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32", reason="no symlinks")
def test_symlink_ct901_shows_no_snippet_of_the_outside_file(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "trail.yaml").write_text("AWSTemplateFormatVersion: SECRET-FIRST-LINE\nResources: {}\n")
    os.symlink(outside / "trail.yaml", root / "escape.yaml")
    (root / "ok.tf").write_text('resource "aws_cloudtrail" "t" {\n  name = "t"\n  s3_bucket_name = "b"\n}\n')
    for fmt in ("text", "sarif"):
        proc = run_cli_guarded(["scan", ".", "--format", fmt, "--no-color"], cwd=root)
        assert "escape.yaml" in proc.stdout
        assert "SECRET-FIRST-LINE" not in proc.stdout, fmt
        assert "Traceback" not in proc.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names")
def test_end_to_end_hostile_names(tmp_path: Path) -> None:
    """A real scan: a file name and a logical id carrying ESC, CR and LF."""
    root = tmp_path / "scan"
    root.mkdir()
    template = (
        'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
        '  "Trail\\e[31m\\r\\nok: no findings\\e]8;;http://x\\a":\n'
        "    Type: AWS::CloudTrail::Trail\n    Properties:\n"
        "      S3BucketName: b\n      IsLogging: true\n"
    )
    (root / "evil\x1b[2J\nname.yaml").write_text(template)
    for fmt in ("text", "github"):
        proc = run_cli_guarded(["scan", ".", "--format", fmt, "--no-color"], cwd=root)
        assert proc.returncode == 1, proc.stderr
        assert "Traceback" not in proc.stderr
        assert not UNSAFE.search(proc.stdout), fmt
        assert "\\x1b[31m\\r\\nok: no findings\\x1b]8;;http://x\\x07" in proc.stdout, fmt
        assert "evil\\x1b[2J\\nname.yaml" in proc.stdout, fmt
