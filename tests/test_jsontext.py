"""The reports' indented JSON writer (scanner/reporters/jsontext.py) writes exactly what
``json.dumps(value, indent=2)`` writes: on generated values of every JSON kind, on the
values it hands back to ``json`` (keys that are not text, subclasses, NaN), and on the
real reports of the samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.options import ScanOptions
from scanner.reporters import RenderOptions, json_report, sarif_report
from scanner.reporters.jsontext import indented_json
from scanner.scan import run_scan

ROOT = Path(__file__).resolve().parent.parent

_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(_values)
def test_generated_values_are_written_as_json_writes_them(value: object) -> None:
    for ascii_only in (True, False):
        assert indented_json(value, ensure_ascii=ascii_only) == json.dumps(value, indent=2, ensure_ascii=ascii_only)


class _Text(str):
    """A subclass of ``str``: left to ``json``."""


@pytest.mark.parametrize(
    "value",
    [
        {1: "int key"},
        {"a": [1, {None: 2}]},
        {"nan": float("nan"), "inf": [float("inf")]},
        [_Text("red")],
        {"deep": [[[[{"x": ()}]]]], "empty": {}, "none": []},
        "\u2028 é \x00 \"quoted\" \\",
        True,
        -0.0,
        10**30,
    ],
)
def test_values_left_to_json_are_still_written_as_json_writes_them(value: object) -> None:
    assert indented_json(value) == json.dumps(value, indent=2)
    assert indented_json(value, ensure_ascii=False) == json.dumps(value, indent=2, ensure_ascii=False)


def test_an_object_json_cannot_write_raises_as_json_does() -> None:
    with pytest.raises(TypeError):
        indented_json({"a": object()})


def test_the_samples_reports_are_the_ones_json_would_write() -> None:
    result = run_scan(ScanOptions(paths=(ROOT / "samples",), root=ROOT / "samples", jobs=1))
    options = RenderOptions()
    for module in (json_report, sarif_report):
        data = module.report_dict(result, options)
        ascii_only = module is json_report
        assert module.render(result, options) == json.dumps(data, indent=2, ensure_ascii=ascii_only) + "\n"
