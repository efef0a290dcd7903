"""Whole real modules: public Terraform modules and CloudFormation templates, copied byte for
byte into ``tests/corpus/modules/`` (provenance in ``tests/corpus/README.md``), with the
verdicts a reviewer checked by hand against their code (``EXPECTED.json``).

Fixtures cut down to one property (``test_corpus.py``) cannot show what a real module does
to the scanner: module calls three levels deep, registry modules that are not installed,
defaults that live in another file, conditions on parameters without a default. Each scan
path is scanned the way its authors lay it out: the module's own directory is the root, so
an example's ``source = "../../"`` is read.

Every expectation is one test. One marked ``xfail`` holds the reviewer's verdict where
trailscan is known to be wrong; the mark is strict, so the fix shows up as a failure that
asks for the mark to go. Each policy of the catalogue is either expected for the scan path
or listed under ``unclaimed`` with the reason it was not asserted.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from scanner.config import Config
from scanner.engine import load_policies
from scanner.options import ScanOptions
from scanner.results import ScanResult, Status
from scanner.scan import run_scan

CORPUS = Path(__file__).resolve().parent / "corpus"
MODULES = CORPUS / "modules"
EXPECTED: dict[str, Any] = json.loads((MODULES / "EXPECTED.json").read_text(encoding="utf-8"))
STATUSES = {status.value for status in Status}
CITATION = re.compile(r"[\w./+-]+\.(?:tf|tfvars|ya?ml|template):\d+")
# Meta policies (internal errors, parse errors, suppressions) answer for the scan, not the code.
JUDGED = sorted(spec.id for spec in load_policies() if not spec.id.startswith("CT9"))
# Policies that judge an account as a whole (its trails together, its monitoring): their
# verdicts change, by design, when several modules share one account.
ACCOUNT_WIDE = frozenset({"CT002", "CT003", "CT004", "CT005", "CT013", *(f"CT{n}" for n in range(401, 416))})

SCANS: list[tuple[str, dict[str, Any]]] = [
    (module["dir"], scan) for module in EXPECTED["modules"] for scan in module["scans"]
]


@cache
def scan_module(module: str, path: str) -> ScanResult:
    """One scan per scan path, built-in defaults, no config file, no inputs."""
    root = MODULES / module
    return run_scan(ScanOptions(paths=(root / path,), root=root, config=Config()))


def _describe(result: ScanResult, policy: str) -> str:
    lines = [
        f"  {e.policy} {e.subject}: {e.status.value} {e.reason}".rstrip()
        for e in result.evaluations
        if e.policy == policy
    ]
    return f"evaluations of {policy}:\n" + ("\n".join(lines) or "  (none)")


def _expectation_params() -> list[Any]:
    params = []
    for module, scan in SCANS:
        for expected in scan["expect"]:
            marks = []
            if "xfail" in expected:
                marks.append(pytest.mark.xfail(strict=True, reason=expected["xfail"]))
            test_id = (
                f"{module}::{scan['path']}::{expected['policy']}::{expected['subject']}::{expected['status']}"
            )
            params.append(pytest.param(module, scan["path"], expected, id=test_id, marks=marks))
    return params


@pytest.mark.parametrize(("module", "path", "expected"), _expectation_params())
def test_verdict(module: str, path: str, expected: dict[str, Any]) -> None:
    result = scan_module(module, path)
    policy, subject, status = expected["policy"], expected["subject"], expected["status"]
    seen = {e.status.value for e in result.evaluations if e.policy == policy and e.subject == subject}
    assert seen == {status}, (
        f"{policy} on {subject}: expected {status} ({expected['why']}), got {sorted(seen) or 'no evaluation'}\n"
        + _describe(result, policy)
    )
    if status == "fail":
        # A fail is a finding in the report, not only an evaluation.
        assert any(f.id == policy for f in result.active()), f"{policy} failed without a finding"


@pytest.mark.parametrize(("module", "scan"), SCANS, ids=[f"{m}::{s['path']}" for m, s in SCANS])
def test_scan_reads_the_module_and_checks_it(module: str, scan: dict[str, Any]) -> None:
    """No silent scan: the expected units are found with exactly the modules that could not
    be read, every file read parses, and the trail was judged, not skipped."""
    result = scan_module(module, scan["path"])
    units = {unit.id: sorted(unit.unread_modules) for unit in result.units}
    assert units == {unit: sorted(unread) for unit, unread in scan["units"].items()}
    assert not result.files.failed, result.files.failed
    assert not [f for f in result.findings if f.id == "CT900"], "a policy crashed"
    problems = sorted(f"{f.span.path}:{f.span.line} {f.message}" for f in result.findings if f.id == "CT901")
    assert problems == sorted(scan["ct901"])
    decided = [
        e
        for e in result.evaluations
        if e.status in (Status.PASS, Status.FAIL) and not e.subject.startswith("account:")
    ]
    assert decided, "no resource was judged pass or fail"


@pytest.mark.parametrize(("module", "scan"), SCANS, ids=[f"{m}::{s['path']}" for m, s in SCANS])
def test_every_policy_is_expected_or_says_why_not(module: str, scan: dict[str, Any]) -> None:
    expected = {e["policy"] for e in scan["expect"]}
    unclaimed = set(scan["unclaimed"])
    assert not expected & unclaimed, expected & unclaimed
    assert expected | unclaimed == set(JUDGED), sorted(set(JUDGED) - expected - unclaimed)
    assert all(reason.strip() for reason in scan["unclaimed"].values())
    keys = [(e["policy"], e["subject"]) for e in scan["expect"]]
    assert len(keys) == len(set(keys)), "an expectation is listed twice"
    for e in scan["expect"]:
        assert e["status"] in STATUSES, e
        cites = CITATION.search(e["why"]) is not None
        assert cites or e["policy"] == "CT003", f"{e['policy']} {e['subject']}: the why cites no file:line"
        assert "xfail" not in e or e["xfail"].strip()


@pytest.mark.parametrize("module", EXPECTED["modules"], ids=[m["dir"] for m in EXPECTED["modules"]])
def test_copy_is_byte_for_byte_with_its_licence(module: dict[str, Any]) -> None:
    root = MODULES / module["dir"]
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert present == set(module["files"])
    for name, digest in module["files"].items():
        assert hashlib.sha256((root / name).read_bytes()).hexdigest() == digest, (
            f"{name} differs from the upstream file"
        )
    assert (CORPUS / "licenses" / f"{module['dir']}.LICENSE").is_file()
    if "notice_file" in module:
        assert (CORPUS / "licenses" / f"{module['dir']}.NOTICE").is_file()
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert module["repo"] in readme and module["commit"] in readme, (
        "provenance missing from tests/corpus/README.md"
    )


def test_nothing_else_in_the_modules_folder() -> None:
    listed = {m["dir"] for m in EXPECTED["modules"]}
    present = {p.name for p in MODULES.iterdir()}
    assert present == listed | {"EXPECTED.json"}


def test_scanned_together_each_module_keeps_its_resource_verdicts() -> None:
    """The whole ``modules/`` tree in one scan (one account): the same units, nothing read
    twice or lost, and every per-resource verdict as when the module is scanned alone (a
    subject two units share is qualified by its unit, never folded into one)."""
    whole = run_scan(ScanOptions(paths=(MODULES,), root=MODULES, config=Config()))
    assert sorted(unit.id for unit in whole.units) == sorted(
        f"{module}/{scan['path']}" for module, scan in SCANS
    )
    assert whole.files.not_ours == ["EXPECTED.json"] and not whole.files.failed
    assert not [f for f in whole.findings if f.id in ("CT900", "CT901")]
    together: dict[tuple[str, str], set[str]] = {}
    for e in whole.evaluations:
        together.setdefault((e.policy, e.subject), set()).add(e.status.value)
    compared = 0
    for module, scan in SCANS:
        unit = f"{module}/{scan['path']}"
        for e in scan_module(module, scan["path"]).evaluations:
            if e.policy in ACCOUNT_WIDE or e.subject.startswith("account:"):
                continue
            seen = together.get((e.policy, e.subject)) or together.get((e.policy, f"{e.subject} ({unit})"))
            assert seen == {e.status.value}, (
                f"{unit}: {e.policy} {e.subject} is {e.status.value} alone, {seen} together"
            )
            compared += 1
    assert compared > 100, compared
