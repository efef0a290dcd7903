"""The progress line: on a terminal only, after about a second, erased before the reports;
never on a pipe, never in a report; ``--no-progress`` turns it off.

The terminal is a real pseudo-terminal (``pty``), both for the CLI run in this process
(where the one-second delay is set to zero so a small scan shows the line) and for a
trailscan subprocess whose stderr is the terminal.
"""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.cli import main, progress

ROOT = Path(__file__).resolve().parent.parent

TRAIL = """
resource "aws_s3_bucket" "logs" {{
  bucket = "logs-{i}"
}}

resource "aws_cloudtrail" "main" {{
  name                       = "main-{i}"
  s3_bucket_name             = aws_s3_bucket.logs.id
  enable_log_file_validation = true
}}
"""


def _repo(base: Path, units: int) -> Path:
    for i in range(units):
        unit = base / f"unit{i:03d}"
        unit.mkdir(parents=True)
        (unit / "main.tf").write_text(TRAIL.format(i=i))
    return base


def _screen(raw: str) -> str:
    """What a terminal shows after ``raw``: each ``\\r`` returns to the line's start."""
    lines = []
    for line in raw.replace("\r\n", "\n").split("\n"):
        cells: list[str] = []
        col = 0
        for ch in line:
            if ch == "\r":
                col = 0
                continue
            if col < len(cells):
                cells[col] = ch
            else:
                cells.append(ch)
            col += 1
        lines.append("".join(cells).rstrip())
    return "\n".join(lines).strip()


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_nothing_is_drawn_in_the_first_second_then_the_line_is_rewritten_and_erased() -> None:
    clock = FakeClock()
    out = io.StringIO()
    line = progress.ProgressLine(out, clock=clock)
    line.start(10)
    line.advance(3)
    assert out.getvalue() == ""  # a quick scan never shows it
    clock.now += 1.2
    line.advance(1)
    assert out.getvalue() == "\rtrailscan: parsed 4/10 files"
    line.advance(1)  # within 0.1 s of the last draw: not redrawn
    assert out.getvalue().count("\r") == 1
    clock.now += 0.2
    line.advance(6)
    assert _screen(out.getvalue()) == "trailscan: parsed 10/10 files"
    line.finish()
    assert _screen(out.getvalue()) == ""
    assert "\n" not in out.getvalue()


def test_a_stream_that_is_not_a_terminal_gets_no_progress() -> None:
    assert progress.progress_for(io.StringIO(), enabled=True) is None
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "w") as pipe, os.fdopen(read_end):
        assert progress.progress_for(pipe, enabled=True) is None
    master, slave = pty.openpty()
    with os.fdopen(slave, "w") as terminal:
        assert isinstance(progress.progress_for(terminal, enabled=True), progress.ProgressLine)
        assert progress.progress_for(terminal, enabled=False) is None
    os.close(master)


def _drain(fd: int) -> bytes:
    chunks = []
    while select.select([fd], [], [], 0.05)[0]:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


@pytest.mark.parametrize("flag", [[], ["--no-progress"]])
def test_cli_on_a_terminal_shows_the_line_and_erases_it_before_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], flag: list[str]
) -> None:
    repo = _repo(tmp_path / "repo", 3)
    monkeypatch.setattr(progress, "SHOW_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(progress, "REDRAW_SECONDS", 0.0)
    master, slave = pty.openpty()
    terminal = os.fdopen(slave, "w")
    monkeypatch.setattr(sys, "stderr", terminal)
    try:
        code = main([str(repo), "--format", "json", *flag])
        terminal.flush()
        raw = _drain(master).decode()
    finally:
        terminal.close()
        os.close(master)
    assert code == 1
    report = capsys.readouterr().out
    assert "parsed" not in report and "\r" not in report
    if flag:
        assert raw == ""
    else:
        assert "\rtrailscan: parsed 0/3 files" in raw and "parsed 3/3 files" in raw
        assert _screen(raw) == ""  # erased: the terminal shows nothing of it


# A trailscan process whose line would show at once (the one-second delay set to zero, so
# the test does not depend on how fast the machine is).
RUN_WITHOUT_DELAY = (
    "import sys; from scanner.cli import progress, main; "
    "progress.SHOW_AFTER_SECONDS = 0.0; sys.exit(main(sys.argv[1:]))"
)


def test_a_trailscan_process_on_a_terminal_and_on_a_pipe(tmp_path: Path) -> None:
    """On a terminal the line appears and is erased; on a pipe nothing of it is written."""
    repo = _repo(tmp_path / "repo", 20)
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    command = [sys.executable, "-c", RUN_WITHOUT_DELAY, str(repo), "--format", "json"]

    master, slave = pty.openpty()
    with (tmp_path / "report.json").open("wb") as stdout:  # a file: a pipe could fill up
        proc = subprocess.Popen(command, stdout=stdout, stderr=slave, cwd=ROOT, env=env)
        os.close(slave)
        raw = b""
        while proc.poll() is None:
            raw += _drain(master)
        raw += _drain(master)
    report = (tmp_path / "report.json").read_text()
    os.close(master)
    text = raw.decode()
    assert proc.returncode == 1
    assert "parsed" not in report and report.startswith("{")
    assert "\rtrailscan: parsed" in text and "/20 files" in text, text
    assert _screen(text) == ""

    piped = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert piped.returncode == 1
    assert piped.stderr == ""
    assert "parsed" not in piped.stdout and piped.stdout == report
