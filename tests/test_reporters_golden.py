"""Golden files for every format, determinism across runs and hash seeds, ``--output``.

Three inputs: a hand-built result (pins reporter behaviour alone), a real scan of the
small fixture tree under tests/fixtures/reports, and a real scan of the whole samples/
tree. Refresh after an intended change with ``pytest --update-golden`` and review the
diff like code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from report_data import FIXTURES, synthetic_result

from scanner.cli import main
from scanner.config import find_config, load_config
from scanner.options import ScanOptions
from scanner.reporters import FORMATS, RenderOptions, render
from scanner.results import ScanResult
from scanner.scan import run_scan

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLES = ROOT / "samples"
EXTENSION = {
    "text": "txt",
    "json": "json",
    "sarif": "sarif",
    "junit": "xml",
    "github": "txt",
    "markdown": "md",
}


def fixture_scan() -> ScanResult:
    """The fixture tree with its own .trailscan.toml (a fixed policy set, fail_on high),
    loaded the way the CLI loads it so in-process and CLI runs are comparable."""
    config = load_config(find_config(FIXTURES))
    assert config.source.endswith(".trailscan.toml")
    return run_scan(ScanOptions(paths=(FIXTURES,), root=FIXTURES, config=config))


@cache
def fixture_scan_once() -> ScanResult:
    return fixture_scan()


# The policy samples of both formats; samples/demo (the README's first command) has its
# own test (tests/test_demo.py) and stays out of these golden files.
SAMPLE_TREES = (SAMPLES / "terraform", SAMPLES / "cloudformation")


@cache
def samples_scan() -> ScanResult:
    return run_scan(
        ScanOptions(paths=SAMPLE_TREES, root=SAMPLES, config=load_config(find_config(SAMPLES)))
    )


def check_golden(name: str, text: str, update: bool) -> None:
    path = GOLDEN / name
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        pytest.skip(f"updated {path.name}")
    assert path.is_file(), f"{path} is missing: run pytest --update-golden"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from the golden file (pytest --update-golden)"


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_synthetic(fmt: str, update_golden: bool) -> None:
    options = RenderOptions(show_suppressed=fmt in ("text", "markdown"), max_annotations=3)
    text = render(fmt, synthetic_result(), options)
    check_golden(f"synthetic.{fmt}.{EXTENSION[fmt]}", text, update_golden)


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_fixtures(fmt: str, update_golden: bool) -> None:
    result = fixture_scan_once()
    assert result.findings, "the fixture tree must produce findings"
    check_golden(
        f"fixtures.{fmt}.{EXTENSION[fmt]}", render(fmt, result, RenderOptions()), update_golden
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_samples(fmt: str, update_golden: bool) -> None:
    result = samples_scan()
    check_golden(
        f"samples.{fmt}.{EXTENSION[fmt]}", render(fmt, result, RenderOptions()), update_golden
    )


def test_fixture_scan_covers_the_interesting_cases() -> None:
    """The fixture tree is meant to exercise several files, both formats and a parse error;
    if a parser change stops that, the golden files silently lose their value."""
    result = fixture_scan_once()
    paths = {f.span.path for f in result.findings}
    assert "terraform/audit/main.tf" in paths
    assert "cloudformation/trail.yaml" in paths
    assert "cloudformation/broken.yaml" in result.files.failed
    assert any(f.id == "CT901" for f in result.findings)
    assert {f.id for f in result.findings} >= {"CT007", "CT008", "CT901"}
    assert any(f.suppressed for f in result.findings)
    assert result.blocking() and len(result.blocking()) < len(result.active())


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_runs_in_process_are_identical(fmt: str) -> None:
    assert render(fmt, fixture_scan(), RenderOptions()) == render(
        fmt, fixture_scan(), RenderOptions()
    )


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_subprocess_with_other_hash_seed_is_byte_identical(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [str(FIXTURES), "--root", str(FIXTURES), "--format", fmt]
    code, in_process = _cli(args, capsys)
    assert code == 1
    outputs = []
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        env.pop("NO_COLOR", None)
        proc = subprocess.run(
            [sys.executable, "-m", "scanner", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            check=False,
        )
        assert proc.returncode == 1, proc.stderr.decode()
        outputs.append(proc.stdout.decode("utf-8"))
    assert outputs[0] == in_process
    assert outputs[1] == in_process
    json.loads(in_process)  # and it is one JSON document


def test_several_outputs_in_one_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "out").mkdir()
    sarif = tmp_path / "out" / "results.sarif"
    junit = tmp_path / "report.xml"
    md = tmp_path / "summary.md"
    code, console = _cli(
        [
            str(FIXTURES),
            "--root",
            str(FIXTURES),
            "--output",
            f"sarif={sarif}",
            "--output",
            f"junit={junit}",
            "-o",
            f"markdown={md}",
            "--no-color",
        ],
        capsys,
    )
    assert code == 1
    result = fixture_scan_once()
    # Each file holds exactly what --format would have printed for the same scan.
    assert sarif.read_text(encoding="utf-8") == render("sarif", result, RenderOptions())
    assert junit.read_text(encoding="utf-8") == render("junit", result, RenderOptions())
    assert md.read_text(encoding="utf-8") == render("markdown", result, RenderOptions())
    # The console still gets the text report, uncoloured.
    assert console == render("text", result, RenderOptions())
    assert "\x1b[" not in console


def test_output_to_unwritable_place_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code = main([str(FIXTURES), "--root", str(FIXTURES), "--output", f"sarif={blocker}/x.sarif"])
    assert code == 2
    assert "cannot write sarif report" in capsys.readouterr().err
