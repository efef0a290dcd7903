"""Numbers Terraform accepts that Python handles badly (values.py number_literal,
checked_number; instance.py count).

Terraform numbers are arbitrary precision: ``99999999999999999999999999`` is that integer,
``1e999`` and ``1e308*10`` are exact. None of them may cost the module an "internal error":
each gives the value, or UNKNOWN with a reason, or a CT901 where Terraform itself rejects
the configuration (``count = 1e999``: "Invalid count argument").
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from tf_inline import load, one_trail, write

from scanner.model import Origin
from scanner.parsers.terraform.values import MAX_NUMBER_DIGITS, UnknownValue, number_literal

TERRAFORM = shutil.which("terraform")


def test_integer_beyond_64_bits_is_exact(tmp_path: Path) -> None:
    trail = one_trail(tmp_path, 'name = 99999999999999999999999999\ns3_bucket_name = "b"')
    assert trail.name.value == "99999999999999999999999999"
    assert trail.name.origin is Origin.EXPLICIT


def test_huge_exponents_and_overflowing_products_are_exact(tmp_path: Path) -> None:
    trail = one_trail(
        tmp_path,
        'name = "${1e308*10}"\n'
        's3_bucket_name = "b${1e999 / 1e998}"\n'
        "is_multi_region_trail = 1e999 > 1e308 * 10",
    )
    assert trail.name.value == "1" + "0" * 309
    assert trail.s3_bucket_name.value == "b10"
    assert trail.is_multi_region.value is True


def test_whole_floats_are_integers_as_in_terraform(tmp_path: Path) -> None:
    trail = one_trail(tmp_path, 'name = jsonencode([1.0, 1.5, 1e3])\ns3_bucket_name = "b${2.50 * 2}"')
    assert trail.name.value == "[1,1.5,1000]"  # terraform console prints the same
    assert trail.s3_bucket_name.value == "b5"


def test_numbers_past_the_digit_limit_are_unknown_with_a_reason(tmp_path: Path) -> None:
    digits = "9" * (MAX_NUMBER_DIGITS + 1)
    trail = one_trail(
        tmp_path,
        f"name = {digits}\n"
        f's3_bucket_name = "b${{1e{MAX_NUMBER_DIGITS - 1} * 1e{MAX_NUMBER_DIGITS - 1}}}"\n'
        f"is_multi_region_trail = tonumber(\"{digits}\") > 1\n"
        f"enable_logging = 1e-999 > 0",
    )
    assert trail.name.origin is Origin.UNKNOWN
    assert trail.name.reason == (
        f"number 99999999999999999999... has more than {MAX_NUMBER_DIGITS} digits; trailscan "
        "does not evaluate it"
    )
    assert trail.s3_bucket_name.origin is Origin.UNKNOWN
    assert "more than 4000 digits" in trail.s3_bucket_name.reason
    assert trail.is_multi_region.origin is Origin.UNKNOWN
    # Terraform says true; a float would say false: trailscan says unknown
    assert trail.enable_logging.origin is Origin.UNKNOWN


def test_huge_index_and_float_conversion_never_crash(tmp_path: Path) -> None:
    digits = "9" * 5000
    model = load(tmp_path, {"main.tf": f"""
        locals {{
          l = ["a"]
          big = 1{"0" * 400}
        }}
        resource "aws_cloudtrail" "t" {{
          name           = local.l.{digits}
          s3_bucket_name = format("%.2f", local.big)
        }}
        resource "aws_cloudwatch_log_group" "g" {{
          name              = "g"
          retention_in_days = local.big
        }}
    """})
    assert model.problems == ()
    (trail,) = model.trails
    assert trail.name.origin is Origin.UNKNOWN
    assert trail.s3_bucket_name.origin is Origin.UNKNOWN
    (group,) = model.log_groups
    assert group.retention_days.value == 10**400


@pytest.mark.parametrize(
    ("count", "message"),
    [
        ("1e999", "value must be a whole number, between -9223372036854775808 and "
                  "9223372036854775807"),
        ("1.5", "value must be a whole number, between -9223372036854775808 and "
                "9223372036854775807"),
        ("-1", "must be greater than or equal to zero"),
        ('"many"', "cannot convert 'many' to a number"),
    ],
)
def test_count_terraform_rejects_is_ct901(tmp_path: Path, count: str, message: str) -> None:
    model = load(tmp_path, {"main.tf": f"""
        resource "aws_s3_bucket" "b" {{
          count  = {count}
          bucket = "b"
        }}
    """})
    assert [(p.span.line, p.message) for p in model.problems] == [
        (2, 'Invalid count argument: the given "count" argument value is unsuitable: ' + message)
    ]


def test_terraform_rejects_the_same_counts(tmp_path: Path) -> None:
    if TERRAFORM is None:
        pytest.skip("terraform is not on PATH: Terraform's own verdict is not checked")
    write(tmp_path, {"main.tf": """
        resource "terraform_data" "huge" { count = 1e999 }
        resource "terraform_data" "half" { count = 1.5 }
        resource "terraform_data" "negative" { count = -1 }
    """})
    rc = tmp_path / "terraformrc"
    rc.write_text("")
    env = dict(os.environ, TF_CLI_CONFIG_FILE=str(rc), CHECKPOINT_DISABLE="1")
    init = subprocess.run(["terraform", "init", "-backend=false", "-input=false", "-no-color"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    if init.returncode != 0:
        pytest.skip(f"terraform init cannot run offline here: {init.stderr.strip()[:200]}")
    plan = subprocess.run(["terraform", "plan", "-input=false", "-no-color"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    text = " ".join(plan.stderr.split())
    assert text.count("Error: Invalid count argument") == 3
    assert "value must be a whole number, between -9223372036854775808 and" in text
    assert "must be greater than or equal to zero" in text


def test_tfvars_json_numbers_are_exact(tmp_path: Path) -> None:
    model = load(tmp_path, {
        "main.tf": """
            variable "n" {}
            variable "m" {}
            resource "aws_cloudtrail" "t" {
              name           = "t${var.n}"
              s3_bucket_name = "b"
              is_multi_region_trail = var.m == 1000
            }
        """,
        "terraform.tfvars.json": '{"n": 1e30, "m": 1.0e3}',
    })
    assert model.problems == ()
    (trail,) = model.trails
    assert trail.name.value == "t1" + "0" * 30
    assert trail.is_multi_region.value is True


def test_number_literal() -> None:
    assert number_literal("10") == 10 and isinstance(number_literal("1.0"), int)
    assert number_literal("1.25") == 1.25
    assert number_literal("1E+3") == 1000
    assert isinstance(number_literal("1e-999"), UnknownValue)
    assert isinstance(number_literal("1e99999999999"), UnknownValue)
