"""``Attr.via``: the variable or parameter default a value comes from, which is where
``trailscan fix`` changes it. Set only when the attribute is written as exactly that
reference and the default is really the value."""

from __future__ import annotations

from pathlib import Path

from scanner.model import Span
from scanner.parsers.cloudformation import load_cloudformation
from scanner.parsers.common import InputLayer
from scanner.parsers.terraform import load_terraform

TRAIL = """\
resource "aws_cloudtrail" "t" {
  name                       = "t"
  s3_bucket_name             = "b"
  enable_log_file_validation = %s
}
"""
VARIABLES = 'variable "flag" {\n  type    = bool\n  default = false\n}\n'


def _tf(tmp_path: Path, value: str, variables: dict[str, str] | None = None,
        files: dict[str, str] | None = None):
    (tmp_path / "main.tf").write_text(TRAIL % value, encoding="utf-8")
    (tmp_path / "variables.tf").write_text(VARIABLES, encoding="utf-8")
    for name, text in (files or {}).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    model = load_terraform(tmp_path, tmp_path, variables=variables or {})
    return model.trails[0].log_file_validation


def test_a_root_variable_default_is_recorded(tmp_path: Path) -> None:
    attr = _tf(tmp_path, "var.flag")
    assert attr.value is False and attr.via == "var.flag"
    assert attr.via_span == Span(path="variables.tf", line=3, column=3, end_line=3, end_column=18)
    assert attr.span.path == "main.tf" and attr.span.line == 4


def test_a_value_given_outside_the_default_is_not(tmp_path: Path) -> None:
    assert _tf(tmp_path, "var.flag", variables={"flag": "true"}).via == ""
    assert _tf(tmp_path, "var.flag", files={"terraform.tfvars": "flag = false\n"}).via == ""


def test_only_exactly_the_reference_counts(tmp_path: Path) -> None:
    assert _tf(tmp_path, "var.flag == true").via == ""
    assert _tf(tmp_path, "!var.flag").via == ""
    assert _tf(tmp_path, "false").via == ""


def test_a_module_input_default_is_not_recorded(tmp_path: Path) -> None:
    (tmp_path / "mod").mkdir()
    (tmp_path / "mod" / "main.tf").write_text(TRAIL % "var.flag" + VARIABLES, encoding="utf-8")
    (tmp_path / "main.tf").write_text('module "m" {\n  source = "./mod"\n}\n', encoding="utf-8")
    model = load_terraform(tmp_path, tmp_path)
    attr = model.trails[0].log_file_validation
    assert attr.value is False and attr.via == "" and attr.via_span is None


TEMPLATE = """\
Parameters:
  Validate:
    Type: String
    Default: "false"
Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      S3BucketName: b
      IsLogging: true
      EnableLogFileValidation: %s
"""


def _cfn(tmp_path: Path, value: str, parameters: dict[str, str] | None = None):
    path = tmp_path / "t.yaml"
    path.write_text(TEMPLATE % value, encoding="utf-8")
    model = load_cloudformation(path, tmp_path, parameters=parameters or {})
    assert model is not None
    return model.trails[0].log_file_validation


def test_a_parameter_default_is_recorded(tmp_path: Path) -> None:
    for written in ("!Ref Validate", "{Ref: Validate}"):
        attr = _cfn(tmp_path, written)
        assert attr.value is False and attr.via == "Validate"
        assert attr.via_span == Span(path="t.yaml", line=4, column=5, end_line=4, end_column=21)


def test_a_given_parameter_or_an_expression_is_not(tmp_path: Path) -> None:
    assert _cfn(tmp_path, "!Ref Validate", parameters={"Validate": "false"}).via == ""
    assert _cfn(tmp_path, "!If [Never, true, false]").via == ""
    assert _cfn(tmp_path, "false").via == ""


def test_a_value_from_a_configured_input_is_not_a_default(tmp_path: Path) -> None:
    """``[[tool.trailscan.inputs]]`` values (typed, from the configuration) set the input:
    its default is then not the value, whatever the two say."""
    layer = InputLayer(source=".trailscan.toml:3", values=(("flag", "false"),), typed=True)
    (tmp_path / "main.tf").write_text(TRAIL % "var.flag", encoding="utf-8")
    (tmp_path / "variables.tf").write_text(VARIABLES, encoding="utf-8")
    attr = load_terraform(tmp_path, tmp_path, layers=(layer,)).trails[0].log_file_validation
    assert attr.value is False and attr.via == "" and attr.via_span is None

    layer = InputLayer(source=".trailscan.toml:3", values=(("Validate", "false"),))
    path = tmp_path / "t.yaml"
    path.write_text(TEMPLATE % "!Ref Validate", encoding="utf-8")
    model = load_cloudformation(path, tmp_path, layers=(layer,))
    assert model is not None
    attr = model.trails[0].log_file_validation
    assert attr.value is False and attr.via == "" and attr.via_span is None


def test_terragrunt_inputs_set_the_variable(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(TRAIL % "var.flag", encoding="utf-8")
    (tmp_path / "variables.tf").write_text(VARIABLES, encoding="utf-8")
    (tmp_path / "terragrunt.hcl").write_text("inputs = { flag = false }\n", encoding="utf-8")
    attr = load_terraform(tmp_path, tmp_path).trails[0].log_file_validation
    assert attr.value is False and attr.via == "" and attr.via_span is None
