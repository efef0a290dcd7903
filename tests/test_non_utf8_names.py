"""A file whose name is not valid UTF-8 is scanned and reported in every format.

POSIX file names are bytes; Python hands undecodable ones over with surrogate escapes,
which no UTF-8 writer accepts. Reports show such a name with U+FFFD instead of crashing
(an internal error would hide every other finding of the scan).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.reporters import FORMATS

TRAIL = 'resource "aws_cloudtrail" "t" {\n  name           = "t"\n  s3_bucket_name = "b"\n}\n'


@pytest.fixture
def odd_name(tmp_path: Path) -> Path:
    raw = os.fsencode(tmp_path) + b"/trail\xff.tf"
    try:
        with open(raw, "wb") as handle:
            handle.write(TRAIL.encode())
    except OSError as exc:  # a file system that refuses such names has nothing to test
        pytest.skip(f"cannot create a non-UTF-8 file name here: {exc}")
    return tmp_path


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reports_the_file(
    odd_name: Path, fmt: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(odd_name)
    code = main([".", "--format", fmt])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert "internal error" not in err
    out.encode("utf-8")  # valid UTF-8 throughout
    if fmt in ("json", "sarif"):
        out = json.dumps(json.loads(out), ensure_ascii=False)
    assert "trail\ufffd.tf" in out or "trail%EF%BF%BD.tf" in out
