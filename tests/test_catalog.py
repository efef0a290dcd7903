"""The policy catalogue is well-formed: ids, names, docs and samples (DESIGN.md §3-4)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.docs import README_BEGIN, README_END, readme_policy_section, render_explain
from scanner.engine import all_specs, load_policies
from scanner.model import Severity
from scanner.policy import dedent

ROOT = Path(__file__).resolve().parent.parent
SPECS = load_policies()
CATALOGUE_IDS = (
    [f"CT{n:03d}" for n in range(1, 14)]
    + [f"CT{n}" for n in range(101, 106)]
    + [f"CT{n}" for n in range(201, 204)]
    + [f"CT{n}" for n in range(301, 304)]
    + [f"CT{n}" for n in range(401, 416)]
)


def test_ids_unique_and_well_formed() -> None:
    ids = [s.id for s in all_specs(SPECS)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"CT\d{3}", i) for i in ids)
    assert ids == sorted(ids)


def test_names_are_kebab_case_and_unique() -> None:
    names = [s.name for s in all_specs(SPECS)]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", n) for n in names)


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_docstring_sections(spec) -> None:
    assert spec.title and len(spec.title) <= 72 and not spec.title.endswith(".")
    assert spec.why, f"{spec.id}: '## Why is this bad?' is missing or empty"
    assert spec.how_to_fix, f"{spec.id}: '## How to fix' is missing or empty"
    for fmt in spec.formats:
        label = {"terraform": "Terraform", "cloudformation": "CloudFormation"}[fmt]
        assert label in spec.how_to_fix, f"{spec.id}: How to fix has no {label} line"
    assert isinstance(spec.severity, Severity)
    assert not re.search(r"(low|medium|high|critical)", spec.id, re.I)


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_module_name_matches_id_and_name(spec) -> None:
    module = spec.module.rsplit(".", 1)[-1]
    assert module == f"{spec.id.lower()}_{spec.name.replace('-', '_')}" or module.startswith(
        spec.id.lower() + "_"
    )


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_samples_present_in_each_format(spec) -> None:
    if "terraform" in spec.formats:
        base = ROOT / "samples" / "terraform" / spec.id
        assert (base / "pass").is_dir() and any((base / "pass").iterdir()), f"{base}/pass missing"
        assert (base / "fail").is_dir() and any((base / "fail").iterdir()), f"{base}/fail missing"
    if "cloudformation" in spec.formats:
        base = ROOT / "samples" / "cloudformation" / spec.id
        names = [p.name for p in base.iterdir()] if base.is_dir() else []
        assert any(n.startswith("pass") for n in names), f"{base}: no pass sample"
        assert any(n.startswith("fail") for n in names), f"{base}: no fail sample"


@pytest.mark.parametrize("spec", all_specs(SPECS), ids=[s.id for s in all_specs(SPECS)])
def test_explain_shows_why_and_fix(spec) -> None:
    text = render_explain(spec.id)
    assert text is not None and spec.id in text and spec.why.splitlines()[0] in text


def test_catalogue_complete() -> None:
    missing = sorted(set(CATALOGUE_IDS) - {s.id for s in SPECS})
    assert not missing, f"catalogue ids without a policy: {missing}"


def test_readme_policy_section_is_current() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(README_BEGIN) + len(README_BEGIN)
    end = text.index(README_END)
    assert text[start:end].strip() == readme_policy_section().strip(), (
        "README policy section is stale: run `python -m scanner.docs --readme`"
    )


_INDENTED_TEXT = st.lists(
    st.tuples(st.sampled_from(["", " ", "  ", "\t", " \t", "    ", "\t\t"]),
              st.text(alphabet=" \tab#\r\x0c", max_size=6)),
    max_size=8,
).map(lambda rows: "\n".join(indent + body for indent, body in rows))


@given(_INDENTED_TEXT)
def test_policy_dedent_is_textwrap_dedent(text: str) -> None:
    """``@policy`` reads docstrings with its own ``dedent`` (``textwrap`` costs every run
    2 ms to import); it must give what ``textwrap.dedent`` gives."""
    assert dedent(text) == textwrap.dedent(text)


def test_policy_dedent_on_every_docstring() -> None:
    docs = [spec.func.__doc__ or "" for spec in all_specs(SPECS)]
    docs += [f.read_text(encoding="utf-8") for f in sorted((ROOT / "examples" / "policies").glob("*.py"))]
    assert len(docs) > 40
    for doc in docs:
        assert dedent(doc) == textwrap.dedent(doc)
        title, _, body = textwrap.dedent(doc).strip().partition("\n")
        assert dedent(body) == textwrap.dedent(body)
