"""loader.py and the front door: files read once, variables (defaults, tfvars, --var-file,
--var), the memo table (cycles, depth), problems, and the external corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tf_inline import CORPUS, load, one_trail, write

from scanner.limits import Limits
from scanner.model import Origin
from scanner.parsers.terraform import load_terraform

# ---------------------------------------------------------------------------
# Variables and tfvars precedence
# ---------------------------------------------------------------------------


VARS = """
variable "a" { default = "from-default" }
variable "b" { default = "from-default" }
variable "c" { default = "from-default" }
variable "d" { default = "from-default" }
variable "e" { default = "from-default" }
resource "aws_cloudtrail" "t" {
  name           = join(",", [var.a, var.b, var.c, var.d, var.e])
  s3_bucket_name = "x"
}
"""


def test_variable_default_and_missing_value(tmp_path: Path) -> None:
    trail = one_trail(tmp_path, 'name = var.n\ns3_bucket_name = var.m',
                      'variable "n" { default = "trail" }\nvariable "m" {}\n')
    assert trail.name.value == "trail" and trail.name.origin is Origin.EXPLICIT
    assert trail.s3_bucket_name.origin is Origin.UNKNOWN
    assert trail.s3_bucket_name.reason == "var.m has no default and no value"
    assert trail.s3_bucket_name.span.line == 6


def test_tfvars_precedence(tmp_path: Path) -> None:
    write(tmp_path, {"extra.tfvars": 'c = "var-file"\nd = "var-file"\n'})
    model = load(
        tmp_path,
        {
            "main.tf": VARS,
            "terraform.tfvars": 'b = "tfvars"\nc = "tfvars"\nd = "tfvars"\ne = "tfvars"\n',
            "b.auto.tfvars": 'c = "auto-b"\n',
            "a.auto.tfvars.json": json.dumps({"c": "auto-a", "d": "auto-a", "e": "auto-a"}),
        },
        var_files=[tmp_path / "extra.tfvars"],
        variables={"d": "cli"},
    )
    assert model.trails[0].name.value == "from-default,tfvars,var-file,cli,auto-a"


def test_cli_variable_parsed_as_hcl(tmp_path: Path) -> None:
    trail = one_trail(
        tmp_path,
        "name = var.n\ns3_bucket_name = var.s\nis_multi_region_trail = var.multi",
        'variable "n" {}\nvariable "s" {}\nvariable "multi" {}\n',
        variables={"n": "plain words", "s": '"quoted"', "multi": "true"},
    )
    assert trail.name.value == "plain words"
    assert trail.s3_bucket_name.value == "quoted"
    assert trail.is_multi_region.value is True


# ---------------------------------------------------------------------------
# The memo table: any order, cycles, depth
# ---------------------------------------------------------------------------


def test_locals_any_order_and_cycle(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": (
        'locals {\n  full = "${local.base}-trail"\n  base = "org"\n'
        "  a = local.b\n  b = local.a\n}\n"
        'resource "aws_cloudtrail" "t" {\n  name = local.full\n  s3_bucket_name = local.a\n}\n'
    )})
    trail = model.trails[0]
    assert trail.name.value == "org-trail"
    assert trail.s3_bucket_name.origin is Origin.UNKNOWN
    assert "cycle" in trail.s3_bucket_name.reason
    # Terraform rejects a cycle, so it is reported at the attribute that closes it.
    assert [(p.span.line, "reference cycle" in p.message) for p in model.problems] == [(5, True)]


def test_deep_local_chain_does_not_crash(tmp_path: Path) -> None:
    chain = "\n".join(f"  l{i} = local.l{i + 1}" for i in range(3000))
    model = load(tmp_path, {"main.tf": "locals {\n" + chain + '\n  l3000 = "end"\n}\n'
                            'resource "aws_cloudtrail" "t" {\n  name = local.l0\n'
                            '  s3_bucket_name = "b"\n}\n'})
    (trail,) = model.trails
    assert trail.name.origin is Origin.UNKNOWN
    assert "nest" in trail.name.reason or "deep" in trail.name.reason


# ---------------------------------------------------------------------------
# Files and parse problems
# ---------------------------------------------------------------------------


def test_syntax_error_is_a_problem_and_other_files_load(tmp_path: Path) -> None:
    model = load(tmp_path, {
        "bad.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = \n}\n',
        "good.tf": 'resource "aws_cloudtrail" "t" {\n  name = "t"\n  s3_bucket_name = "b"\n}\n',
    })
    (problem,) = model.problems
    assert problem.span.path == "stack/bad.tf" and problem.span.line == 2
    assert problem.message.startswith("cannot parse Terraform file")
    assert [t.ref for t in model.trails] == ["aws_cloudtrail.t"]
    assert model.units[0].files == ("stack/bad.tf", "stack/good.tf")


def test_terraform_json_syntax(tmp_path: Path) -> None:
    doc = {
        "variable": {"multi": {"default": True}},
        "resource": {
            "aws_s3_bucket": {"logs": {"bucket": "json-logs"}},
            "aws_cloudtrail": {
                "t": {
                    "name": "json-trail",
                    "s3_bucket_name": "${aws_s3_bucket.logs.id}",
                    "is_multi_region_trail": "${var.multi}",
                    "event_selector": [{"read_write_type": "WriteOnly"}],
                    "depends_on": ["aws_s3_bucket.logs"],
                }
            },
        },
    }
    model = load(tmp_path, {"main.tf.json": json.dumps(doc, indent=2)})
    assert not model.problems
    (trail,) = model.trails
    assert trail.s3_bucket_name.value == "json-logs"
    assert trail.is_multi_region.value is True
    assert trail.event_selectors.value[0].read_write_type.value == "WriteOnly"
    assert trail.depends_on == ("aws_s3_bucket.logs",)
    assert trail.name.span.path == "stack/main.tf.json" and trail.name.span.line > 1


def test_large_file_limit(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": 'resource "aws_s3_bucket" "b" {}\n' * 10},
                 limits=Limits(max_file_bytes=20))
    assert "too large" in model.problems[0].message and model.buckets == ()


def test_garbage_never_raises(tmp_path: Path) -> None:
    model = load(tmp_path, {
        "a.tf": "}}}{{{ \x00 ${",
        "b.tf.json": "{not json",
        "c.tf": 'resource "aws_cloudtrail" "t" { name = [for x in 1 : x] }\n',
        "d.tf": 'locals { x = "${' + "(" * 300 + "1" + ")" * 300 + '}" }\n',
    })
    assert {p.span.path for p in model.problems} >= {"stack/a.tf", "stack/b.tf.json"}
    assert model.trails[0].name.origin is Origin.UNKNOWN


# ---------------------------------------------------------------------------
# The external corpus
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case", sorted(CORPUS.glob("*/tf*")), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_corpus_cases_load(case: Path) -> None:
    model = load_terraform(case, CORPUS)
    assert not model.problems, model.problems
    text = "".join(p.read_text() for p in case.rglob("*.tf"))
    if 'resource "aws_cloudtrail"' in text:
        assert model.trails
    for trail in model.trails:
        assert trail.span.path.startswith(f"{case.parent.name}/{case.name}/")
