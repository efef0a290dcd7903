"""Plans in a scan: discovery tells them from CloudFormation and other JSON, a plan in its
root's directory replaces the root (unless excluded or ignored; with --changed-files only
when the plan itself changed), and no report ever shows a value the plan marks sensitive
or quotes the plan file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from plan_files import PLANS, REPO, ROOTS, alone, in_root

from scanner.config import Config
from scanner.discovery import Ignores, discover, looks_like_plan
from scanner.limits import Limits
from scanner.options import ScanOptions
from scanner.reporters import FORMATS, RenderOptions, render
from scanner.results import ScanResult
from scanner.scan import run_scan

SECRET = "hidden-prefix"


def scan(path: Path, root: Path) -> ScanResult:
    return run_scan(ScanOptions(paths=(path,), root=root, config=Config()))


def test_plan_and_state_documents_are_recognised() -> None:
    plan = (PLANS / "edge.json").read_text()
    assert looks_like_plan(plan)
    data = json.loads(plan)
    assert looks_like_plan(json.dumps(data, indent=2))
    assert looks_like_plan(json.dumps(data, sort_keys=True))  # jq -S
    state = {"format_version": "1.0", "terraform_version": "1.11.4", "values": {"root_module": {}}}
    assert looks_like_plan(json.dumps(state))
    # Not ours: CloudFormation, other terraform JSON outputs, other format versions, any JSON.
    assert not looks_like_plan(json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}))
    assert not looks_like_plan('{"format_version": "1.0", "provider_schemas": {}}')
    assert not looks_like_plan('{"format_version": "1.0", "valid": true, "error_count": 0}')
    assert not looks_like_plan('{"format_version": "2.0", "terraform_version": "9", "values": {}}')
    assert not looks_like_plan('{"terraform_version": "1.11.4", "format_version": "1.0"}')
    assert not looks_like_plan('["format_version", "terraform_version"]')
    assert not looks_like_plan('{"name": "package", "version": "1.0.0"}')


def test_a_plan_in_its_root_replaces_the_root(tmp_path: Path) -> None:
    path = in_root(tmp_path, "edge", ROOTS / "edge")
    found = discover([tmp_path], tmp_path, Limits(), lambda text: False)
    assert found.plans == [path.resolve()]
    assert found.terraform_dirs == []  # root/ is read through its plan
    result = scan(tmp_path, tmp_path)
    assert [(u.id, u.format) for u in result.units] == [("root/plan.json", "terraform-plan")]
    trails = [e.subject for e in result.evaluations if e.policy == "CT008"]
    assert len(trails) == len(set(trails)) == 4  # each trail once, not once per format


def test_an_excluded_or_ignored_plan_leaves_its_root_to_the_tf_files(tmp_path: Path) -> None:
    path = in_root(tmp_path, "edge", ROOTS / "edge")
    work = path.parent.resolve()

    def found(ignores: Ignores, *paths: Path) -> tuple[list[Path], list[Path]]:
        result = discover(list(paths or (tmp_path,)), tmp_path, Limits(), lambda text: False, ignores=ignores)
        return result.plans, result.terraform_dirs

    assert found(Ignores(exclude=("plan.json",))) == ([], [work])
    assert found(Ignores(exclude=("/root/*.json",))) == ([], [work])
    (work / ".gitignore").write_text("*.json\n")  # plans hold secrets: often ignored
    assert found(Ignores()) == ([], [work])
    assert found(Ignores(gitignore=False)) == ([path.resolve()], [])
    # Given on the command line, a plan is read whatever the ignores say, and replaces its
    # root when the root is given too.
    assert found(Ignores(), path) == ([path.resolve()], [])
    assert found(Ignores(), tmp_path, path) == ([path.resolve()], [])
    excluded = run_scan(ScanOptions(paths=(tmp_path,), root=tmp_path, config=Config(), exclude=("plan.json",)))
    assert [(u.id, u.format) for u in excluded.units] == [("root", "terraform")]


def test_changed_files_read_a_plan_only_when_it_changed(tmp_path: Path) -> None:
    """A staged .tf file of a root whose plan is not staged is newer than the plan: it is
    checked from the files. A staged plan is checked as a plan, in place of its root."""
    path = in_root(tmp_path, "edge", ROOTS / "edge")
    work = path.parent

    def found(*changed: Path) -> tuple[list[Path], list[Path]]:
        result = discover([tmp_path], tmp_path, Limits(), lambda text: False, changed=list(changed))
        return result.plans, result.terraform_dirs

    assert found(work / "main.tf") == ([], [work.resolve()])
    assert found(work / "modules" / "trail" / "main.tf") == ([], [work.resolve()])
    assert found(path) == ([path.resolve()], [])
    assert found(path, work / "main.tf") == ([path.resolve()], [])
    assert found(path.with_name("other.json")) == ([], [])


def test_a_changed_plan_reports_every_finding_of_its_unit(tmp_path: Path) -> None:
    """The plan holds the values behind its findings, which point at .tf lines: a staged
    plan reports them all, as a full scan does."""

    def key(result: ScanResult) -> list[tuple[str, str, str, int | None]]:
        return sorted((f.id, f.resource, f.span.path, f.span.line) for f in result.findings)

    path = in_root(tmp_path, "edge", ROOTS / "edge")
    full = scan(tmp_path, tmp_path)
    staged = run_scan(ScanOptions(paths=(path,), root=tmp_path, config=Config(), changed_files=True))
    assert [(u.id, u.format) for u in staged.units] == [("root/plan.json", "terraform-plan")]
    assert key(staged) == key(full) and any(f.span.path == "root/main.tf" for f in staged.findings)
    main = path.parent / "main.tf"
    edited = run_scan(ScanOptions(paths=(main,), root=tmp_path, config=Config(), changed_files=True))
    assert [(u.id, u.format) for u in edited.units] == [("root", "terraform")]
    assert edited.findings and all(
        f.span.path == "root/main.tf" or any(r.span.path == "root/main.tf" for r in f.related)
        for f in edited.findings
    )


def test_a_plan_elsewhere_is_a_unit_of_its_own(tmp_path: Path) -> None:
    shutil.copytree(ROOTS / "edge", tmp_path / "edge")
    alone(tmp_path, "edge")
    found = discover([tmp_path], tmp_path, Limits(), lambda text: False)
    assert [p.name for p in found.plans] == ["plan.json"]
    assert found.terraform_dirs == [(tmp_path / "edge").resolve()]


def test_a_plan_given_as_a_file_is_read(tmp_path: Path) -> None:
    path = alone(tmp_path, "edge")
    result = scan(path, tmp_path)
    assert [u.id for u in result.units] == ["plans/plan.json"]


def test_an_oversized_plan_is_reported_not_skipped(tmp_path: Path) -> None:
    path = alone(tmp_path, "edge")
    found = discover([tmp_path], tmp_path, Limits(max_file_bytes=1000), lambda text: False)
    assert found.plans == [] and [p.span.path for p in found.problems] == ["plans/plan.json"]
    assert path.stat().st_size > 1000


@pytest.mark.parametrize("mode", ["alone", "in_root"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_no_report_shows_a_sensitive_value(tmp_path: Path, mode: str, fmt: str) -> None:
    path = alone(tmp_path, "edge") if mode == "alone" else in_root(tmp_path, "edge", ROOTS / "edge")
    assert SECRET in path.read_text()
    result = scan(tmp_path, tmp_path)
    assert result.findings, "the edge plan has findings"
    text = render(fmt, result, RenderOptions(show_suppressed=True))
    assert SECRET not in text
    if mode == "alone" and fmt == "text":
        # Findings point into the plan, which is never quoted (it is one long line of
        # everything, secrets included).
        assert any(f.span.path == "plans/plan.json" for f in result.findings)
        assert '{"format_version"' not in text and '"address"' not in text


def test_the_sample_plan_is_read_in_place_of_its_root() -> None:
    sample = REPO / "samples" / "terraform"
    result = scan(sample / "plan-json", sample)
    assert [(u.id, u.format) for u in result.units] == [("plan-json/plan.json", "terraform-plan")]
    assert {f.span.path for f in result.findings} == {"plan-json/main.tf", "plan-json/modules/log_bucket/main.tf"}


def test_suppression_comments_in_the_tf_files_apply_to_the_plan(tmp_path: Path) -> None:
    path = in_root(tmp_path, "edge", ROOTS / "edge")
    main = path.parent / "main.tf"
    text = main.read_text()
    main.write_text(text.replace(
        'resource "aws_cloudtrail" "root" {',
        '# trailscan:ignore CT008 validated by the log archive account\nresource "aws_cloudtrail" "root" {',
    ))
    result = scan(tmp_path, tmp_path)
    assert [u.format for u in result.units] == ["terraform-plan"]
    (finding,) = [f for f in result.findings if f.id == "CT008" and f.resource == "aws_cloudtrail.root"]
    assert finding.suppressed and finding.span.path == "root/main.tf"
