"""``scanner.parsers.load_units``: both front ends behind one door, each unit isolated."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import scanner.parsers.cloudformation as cloudformation
import scanner.parsers.terraform as terraform
from scanner.model import PARSE_ERROR, Model
from scanner.parsers import load_units

TERRAFORM = """\
variable "validate" {
  type = bool
}

resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = "logs"
  enable_log_file_validation = var.validate
}
"""

TEMPLATE = """\
Parameters:
  Validate: {Type: String}
Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      S3BucketName: logs
      IsLogging: true
      EnableLogFileValidation: !Ref Validate
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "tf").mkdir()
    (tmp_path / "tf" / "main.tf").write_text(TERRAFORM)
    (tmp_path / "cfn").mkdir()
    (tmp_path / "cfn" / "a.yaml").write_text(TEMPLATE)
    (tmp_path / "cfn" / "b.yaml").write_text(TEMPLATE)
    (tmp_path / "cfn" / "workflow.yml").write_text("on: push\njobs: {}\n")
    return tmp_path


def _load(root: Path, **kwargs: object) -> tuple[list[Model], list[str]]:
    return load_units(
        [root / "tf"],
        [root / "cfn" / "a.yaml", root / "cfn" / "workflow.yml", root / "cfn" / "b.yaml"],
        root,
        **kwargs,  # type: ignore[arg-type]
    )


def _unit(model: Model) -> str:
    return model.units[0].id if model.units else model.problems[0].span.path


def test_terraform_units_then_templates_and_what_is_not_ours(tree: Path) -> None:
    models, not_ours = _load(tree)
    assert [_unit(m) for m in models] == ["tf", "cfn/a.yaml", "cfn/b.yaml"]
    assert [m.units[0].format for m in models] == ["terraform", "cloudformation", "cloudformation"]
    assert not_ours == ["cfn/workflow.yml"]


def test_each_format_gets_its_own_inputs(tree: Path) -> None:
    models, _ = _load(tree, variables={"validate": "true"}, parameters={"Validate": "false"})
    assert [m.trails[0].log_file_validation.value for m in models] == [True, False, False]
    models, _ = _load(tree)
    assert [m.trails[0].log_file_validation.known for m in models] == [False, False, False]


def test_parameter_files_reach_every_template(tree: Path) -> None:
    params = tree / "params.json"
    params.write_text('{"Parameters": {"Validate": "true"}}')
    models, _ = _load(tree, parameter_files=[params])
    assert [m.trails[0].log_file_validation.value for m in models[1:]] == [True, True]


def test_a_front_end_that_raises_costs_its_unit_a_ct901_not_the_scan(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = cloudformation.load_cloudformation

    def fails_on_a(path: Path, root: Path, **kwargs: object) -> Model | None:
        if path.name == "a.yaml":
            raise RuntimeError("boom")
        return real(path, root, **kwargs)  # type: ignore[arg-type]

    def always_fails(*args: object, **kwargs: object) -> Model:
        raise ValueError("bad module")

    monkeypatch.setattr(cloudformation, "load_cloudformation", fails_on_a)
    monkeypatch.setattr(terraform, "load_terraform", always_fails)
    models, not_ours = _load(tree)
    assert [_unit(m) for m in models] == ["tf", "cfn/a.yaml", "cfn/b.yaml"]
    crashed = [(p.id, p.span.path, p.message) for m in models[:2] for p in m.problems]
    assert crashed == [
        (PARSE_ERROR, "tf", "internal parser error, file not checked: ValueError: bad module"),
        (PARSE_ERROR, "cfn/a.yaml", "internal parser error, file not checked: RuntimeError: boom"),
    ]
    assert models[2].trails and not models[2].problems
    assert not_ours == ["cfn/workflow.yml"]

    debug_models, _ = _load(tree, debug=True)
    message = debug_models[1].problems[0].message
    assert message.startswith("internal parser error, file not checked: Traceback")
    assert "RuntimeError: boom" in message and "fails_on_a" in message


def test_templates_alone_never_load_the_terraform_front_end(tree: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from scanner.parsers import load_units
        root = Path({str(tree)!r})
        models, _ = load_units([], [root / "cfn" / "a.yaml"], root)
        assert len(models) == 1
        print(sorted(m for m in sys.modules if m.startswith(("hcl2", "scanner.parsers.terraform"))))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
