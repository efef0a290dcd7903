"""Users' own policies (``--policies-dir``, ``trailscan test-policies``): written like the
built-ins, held to the same sample harness, refused when malformed or colliding, and
never loaded because a scanned repository asks for it."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from scanner.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "policies"
FAIL_SAMPLE = EXAMPLE / "samples" / "ORG001" / "fail-terraform"

POLICY = '''\
from scanner.model import Model
from scanner.policy import Fail, policy


@policy(id={pid!r}, name={name!r}, severity="LOW")
def rule(model: Model):
    """{title}

    ## Why is this bad?
    Because.

    ## How to fix
    Terraform: do it.
    CloudFormation: do it too.
    """
    {body}
'''


def _policy_dir(tmp_path: Path, name: str = "org", pid: str = "ACME001", *, title: str = "Trails are named",
                body: str = "return ()", marker: Path | None = None) -> Path:
    directory = tmp_path / name
    directory.mkdir(parents=True, exist_ok=True)
    source = POLICY.format(pid=pid, name=f"{pid.lower()}-rule", title=title, body=body)
    if marker is not None:
        # Proof of execution: importing the module writes this file.
        source = f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n" + source
    (directory / f"{pid.lower()}_rule.py").write_text(source, encoding="utf-8")
    return directory


def _one_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("trailscan: error: "), err
    return err[0]


def test_the_example_passes_its_own_samples(capsys) -> None:
    assert main(["test-policies", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "4 passed, 0 failed"
    for target in ("pass-terraform", "fail-terraform", "pass-cloudformation.yaml", "fail-cloudformation.yaml"):
        assert f"ok    ORG001 {target}" in out


def test_the_example_finds_the_marked_lines(capsys) -> None:
    args = [str(FAIL_SAMPLE), "--root", str(FAIL_SAMPLE), "--policies-dir", str(EXAMPLE), "-f", "json"]
    assert main([*args, "--select", "ORG001"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["id"], f["line"]) for f in findings] == [("ORG001", 7), ("ORG001", 12)]
    # Alongside the built-ins, in every report; explain and list know it.
    assert main([*args[:-2], "--format", "sarif"]) == 1
    rules = {r["id"] for r in json.loads(capsys.readouterr().out)["runs"][0]["tool"]["driver"]["rules"]}
    assert {"ORG001", "CT008"} <= rules
    assert main(["explain", "org001", "--policies-dir", str(EXAMPLE)]) == 0
    assert "Trails must deliver to the log-archive account's bucket" in capsys.readouterr().out
    assert main(["list", "--policies-dir", str(EXAMPLE)]) == 0
    assert "ORG001" in capsys.readouterr().out
    assert main(["explain", "ORG001"]) == 2  # not loaded unless asked


def test_test_policies_reports_a_wrong_sample(tmp_path: Path, capsys) -> None:
    copy = tmp_path / "policies"
    shutil.copytree(EXAMPLE, copy)
    sample = copy / "samples" / "ORG001" / "fail-terraform" / "main.tf"
    sample.write_text(sample.read_text(encoding="utf-8").replace(" # expect: ORG001", "", 1), encoding="utf-8")
    (copy / "samples" / "ORG999").mkdir()
    assert main(["test-policies", str(copy)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  ORG001 fail-terraform: unexpected fail-terraform/main.tf:7 ORG001" in out
    assert "# <-- unexpected ORG001" in out
    assert "FAIL  samples/ORG999: no policy ORG999" in out
    assert out.splitlines()[-1] == "3 passed, 2 failed"


def test_a_policy_without_samples_fails_test_policies(tmp_path: Path, capsys) -> None:
    directory = _policy_dir(tmp_path)
    assert main(["test-policies", str(directory)]) == 1
    assert "ACME001: needs samples/ACME001/pass* and samples/ACME001/fail*" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("pid", "title", "message"),
    [
        ("CT950", "Trails are named", "not in the user range"),
        ("ORG1", "Trails are named", "not in the user range"),
        ("org001", "Trails are named", "not in the user range"),
        ("TOOLONGID001", "Trails are named", "not in the user range"),
        ("ACME001", "", "lacks a title line"),
    ],
)
def test_malformed_policies_are_refused(pid: str, title: str, message: str, tmp_path: Path, capsys) -> None:
    directory = _policy_dir(tmp_path, pid=pid, title=title)
    (tmp_path / "main.tf").write_text('resource "aws_cloudtrail" "t" {\n  name = "t"\n}\n', encoding="utf-8")
    assert main([str(tmp_path / "main.tf"), "--policies-dir", str(directory)]) == 2
    assert message in _one_error(capsys)


def test_colliding_ids_are_refused(tmp_path: Path, capsys) -> None:
    one = _policy_dir(tmp_path, "one")
    two = _policy_dir(tmp_path, "two")
    (tmp_path / "main.tf").write_text('resource "aws_cloudtrail" "t" {\n  name = "t"\n}\n', encoding="utf-8")
    assert main([str(tmp_path / "main.tf"), "--policies-dir", str(one), "--policies-dir", str(two)]) == 2
    assert "duplicate policy id ACME001" in _one_error(capsys)
    # The same directory twice is one directory.
    assert main([str(tmp_path / "main.tf"), "--policies-dir", str(one), "--policies-dir", str(one)]) in (0, 1)
    capsys.readouterr()
    assert main([str(tmp_path / "main.tf"), "--policies-dir", str(tmp_path / "absent")]) == 2
    assert "does not exist" in _one_error(capsys)


def test_a_policy_that_raises_is_ct900_not_a_crash(tmp_path: Path, capsys) -> None:
    directory = _policy_dir(tmp_path, body="raise RuntimeError('boom')")
    (tmp_path / "main.tf").write_text('resource "aws_cloudtrail" "t" {\n  name = "t"\n}\n', encoding="utf-8")
    assert main([str(tmp_path / "main.tf"), "--policies-dir", str(directory), "--select", "ACME", "-f", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [f["id"] for f in findings] == ["CT900"] and "boom" in findings[0]["message"]


def test_a_config_in_the_scanned_tree_cannot_load_policies(tmp_path: Path, capsys) -> None:
    """A pull request must not make CI run its code: a .trailscan.toml or pyproject.toml in
    the scanned repository that names a policies directory is ignored, with a warning."""
    marker = tmp_path / "executed"
    repo = tmp_path / "repo"
    _policy_dir(repo, "evil", marker=marker)
    (repo / "main.tf").write_text('resource "aws_cloudtrail" "t" {\n  name = "t"\n}\n', encoding="utf-8")
    for config_name, text in (
        (".trailscan.toml", 'policies_dirs = ["evil"]\n'),
        ("pyproject.toml", '[tool.trailscan]\npolicies_dirs = ["evil"]\n'),
    ):
        config = repo / config_name
        config.write_text(text, encoding="utf-8")
        assert main([str(repo), "-f", "json"]) == 1
        captured = capsys.readouterr()
        assert "ignoring policies_dirs" in captured.err
        assert not marker.exists()
        assert "ACME001" not in captured.out
        # Naming the same file with --config does not help while it lies inside the scan.
        assert main([str(repo), "--config", str(config), "-f", "json"]) == 1
        assert "ignoring policies_dirs" in capsys.readouterr().err
        assert not marker.exists()
        config.unlink()


def test_a_config_outside_the_scanned_paths_may_load_policies(tmp_path: Path, capsys) -> None:
    marker = tmp_path / "executed"
    ci = tmp_path / "ci"
    _policy_dir(ci, "org", marker=marker, body="yield Fail(subject='x', span=model.trails[0].span, message='no')")
    config = ci / "trailscan.toml"
    config.write_text('policies_dirs = ["org"]\n', encoding="utf-8")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.tf").write_text('resource "aws_cloudtrail" "t" {\n  name = "t"\n}\n', encoding="utf-8")
    assert main([str(repo), "--config", str(config), "--select", "ACME001", "-f", "json"]) == 1
    captured = capsys.readouterr()
    assert marker.exists() and "ignoring" not in captured.err
    assert [f["id"] for f in json.loads(captured.out)["findings"]] == ["ACME001"]


def test_policy_text_fixture_is_valid_python() -> None:
    compile(textwrap.dedent(POLICY.format(pid="X", name="x", title="t", body="return ()")), "p.py", "exec")
