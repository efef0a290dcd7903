"""Configuration and baseline files that are wrong in any way: a message and exit 2.

Never "internal error", never a traceback: invalid UTF-8, wrong types anywhere, absurd
nesting, numbers with thousands of digits, something that is not JSON at all, a path that
is a directory or a FIFO.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from guards import run_guarded
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.baseline import BaselineError, load, loads
from scanner.cli import main
from scanner.config import KEYS, Config, ConfigError, load_config, parse_config

ROOT = Path(__file__).resolve().parent.parent
GOOD_TF = (ROOT / "samples/terraform/CT008/fail/main.tf").read_text()


def _scan(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["scan", str(root), "--format", "json", "-q", *extra])
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err, err
    return code, err


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)  # find_config stops here
    (root / "main.tf").write_text(GOOD_TF)
    return root


# ---------------------------------------------------------------------------
# Configuration files
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        (".trailscan.toml", b'fail_on = "high"\nselect = ["\xff\xfe"]\n', "not valid UTF-8 (byte 0xff at offset"),
        (".trailscan.toml", b"tool = 5\n", "unknown key 'tool'"),
        (".trailscan.toml", b"[tool]\ntrailscan = 5\n", "[tool.trailscan] must be a table"),
        (".trailscan.toml", b"a = " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "nested too deeply"),
        (".trailscan.toml", b"min_retention_days = 1" + b"0" * 5_000 + b"\n", "too many digits"),
        (".trailscan.toml", b"min_retention_days = 99999999999999999999\n", "must be at most"),
        (".trailscan.toml", b"[limits]\nmax_file_bytes = 9223372036854775808\n", "must be at most"),
        (".trailscan.toml", b"fail_on = = 1\n", "Invalid value"),
        ("pyproject.toml", b"[tool.trailscan]\nfail_on = \"high\"\n\xc3\x28 = 1\n", "not valid UTF-8"),
    ],
)
def test_bad_config_file_is_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      name: str, content: bytes, fragment: str) -> None:
    root = _tree(tmp_path)
    (root / name).write_bytes(content)
    code, err = _scan(root, capsys)
    assert code == 2
    assert err.startswith("trailscan: error: ") and fragment in err, err


@pytest.mark.parametrize("tool", ["5", '"trailscan"', "[1, 2]", "true"])
def test_pyproject_with_a_non_table_tool_is_not_a_trailscan_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tool: str
) -> None:
    root = _tree(tmp_path)
    (root / "pyproject.toml").write_text(f"tool = {tool}\n")
    code, _ = _scan(root, capsys)
    assert code == 1  # found, scanned with the defaults: the CT008 sample fails
    code, err = _scan(root, capsys, "--config", str(root / "pyproject.toml"))
    assert code == 2 and "[tool] must be a table" in err


WRONG_TYPES = [
    "select = 5", "ignore = {a = 1}", "select = [1, 2]", "fail_on = 5", "fail_on = [\"high\"]",
    "accounts = 5", "accounts = {prod = 5}", "accounts = {prod = [1]}", "require_trail = \"yes\"",
    "min_retention_days = \"365\"", "min_retention_days = 365.0", "min_retention_days = true",
    "min_retention_days = 0", "min_log_group_retention_days = []", "security_group_events = 5",
    "suppressions = 5", "suppressions = [5]", "suppressions = [{id = 5}]",
    "suppressions = [{id = \"CT008\", paths = 5}]", "suppressions = [{id = \"CT008\", reason = 5}]",
    "suppressions = [{id = \"CT008\", until = 5}]", "suppressions = [{id = \"CT008\", until = 12:00:00}]",
    "suppressions = [{id = \"CT008\", bogus = 1}]", "baseline = 5", "baseline = [\"a\"]", "limits = 5",
    "limits = {max_instances = \"x\"}", "limits = {max_instances = true}", "limits = {bogus = 1}",
    "limits = {max_instances = -1}", "source = \"x\"",
    "inputs = 5", "inputs = [5]", "inputs = [{var_files = \"a\"}]", "inputs = [{paths = 5}]",
    "inputs = [{paths = \"a\", variables = 5}]", "inputs = [{paths = \"a\", variables = {x = nan}}]",
    "inputs = [{paths = \"a\", parameters = {x = {y = 1}}}]", "inputs = [{paths = \"a\", bogus = 1}]",
    "external_trails = 5", "external_trails = [{multi_region = true}]",
    "external_trails = [{name = \"t\", logging = \"yes\"}]",
    "external_trails = [{name = \"t\", management_events = \"most\"}]",
    "external_trails = [{name = \"t\"}, {name = \"t\"}]", "external_trails = [{name = \"t\", bogus = 1}]",
]


@pytest.mark.parametrize("line", WRONG_TYPES)
def test_wrong_types_anywhere_are_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           line: str) -> None:
    root = _tree(tmp_path)
    (root / ".trailscan.toml").write_text(line + "\n")
    code, err = _scan(root, capsys)
    assert code == 2 and err.startswith("trailscan: error: "), (line, err)


_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True), st.text(max_size=8), st.dates(), st.datetimes(), st.times(),
    st.sampled_from(["high", "per-unit", "all", "ec2", "CT008", "2027-03-31"]),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["id", "paths", "reason", "until", "max_instances", "prod", "x"]), inner, max_size=3
    ),
    max_leaves=8,
)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.sampled_from([*KEYS, "tool", "bogus"]), _values, max_size=4))
def test_parse_config_raises_only_config_error(data: dict[str, object]) -> None:
    try:
        config = parse_config(data)
    except ConfigError:
        return
    assert isinstance(config, Config)


def test_explicit_config_that_is_not_valid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "custom.toml"
    path.write_bytes(b"fail_on = \"\xe9\"\n")
    with pytest.raises(ConfigError, match="not valid UTF-8"):
        load_config(path)


# ---------------------------------------------------------------------------
# Baselines
# ---------------------------------------------------------------------------

DEEP = '{"version": 1, "findings": ' + "[" * 100_000 + "]" * 100_000 + "}"
BIG_NUMBER = '{"version": 1' + "0" * 5_000 + ', "findings": []}'


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (DEEP, "nested too deeply"),
        (BIG_NUMBER, "too many digits"),
        ('{"version": 1, "findings": [' + "1" * 5_000 + "]}", "too many digits"),
        ("this is not json", "not valid JSON (line 1, column 1"),
        ("", "not valid JSON"),
        ('{"version": true, "findings": []}', "unsupported baseline version True"),
        ('{"version": 1.0, "findings": []}', "unsupported baseline version 1.0"),
        ('{"version": ["' + "x" * 1000 + '"], "findings": []}', "unsupported baseline version"),
        ('{"version": 1, "findings": [{"id": 5, "path": "a", "resource": "b"}]}', "needs string id"),
        ("[]", "expected an object"),
    ],
)
def test_bad_baseline_text_is_a_baseline_error(text: str, fragment: str) -> None:
    with pytest.raises(BaselineError) as err:
        loads(text, "b.json")
    assert fragment in str(err.value)
    assert len(str(err.value)) < 300  # a message, not the file


@pytest.mark.parametrize(
    "content",
    [DEEP.encode(), BIG_NUMBER.encode(), b"not json", b'{"version": 1, "findings": ["\xff"]}'],
    ids=["deep", "big-number", "not-json", "not-utf8"],
)
def test_bad_baseline_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          content: bytes) -> None:
    root = _tree(tmp_path)
    baseline = tmp_path / "baseline.json"
    baseline.write_bytes(content)
    code, err = _scan(root, capsys, "--baseline", str(baseline))
    assert code == 2
    assert err.startswith("trailscan: error: ") and str(baseline) in err, err


def test_configured_baseline_that_is_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _tree(tmp_path)
    (root / "base").mkdir()
    (root / ".trailscan.toml").write_text('baseline = "base"\n')
    code, err = _scan(root, capsys)
    assert code == 2 and "not a regular file" in err


def _load_fifo(path: Path) -> str:
    try:
        load(path)
    except BaselineError as exc:
        return str(exc)
    return "loaded"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_baseline_fifo_is_refused_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "baseline.json"
    os.mkfifo(fifo)
    assert "not a regular file" in run_guarded(_load_fifo, fifo, wall_seconds=20)


def test_dates_in_config_are_still_accepted() -> None:
    config = parse_config({"suppressions": [{"id": "CT008", "reason": "r", "until": dt.date(2027, 3, 31)}]})
    assert config.suppressions[0].until == "2027-03-31"
