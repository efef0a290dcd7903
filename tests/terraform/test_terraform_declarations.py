"""declarations.py and overrides.py: names declared twice (CT901 at the second, with
Terraform's wording) and override files merged as Terraform merges them.

Where ``terraform`` is on PATH, ``terraform validate`` (which reports these errors while
loading the configuration, before it needs any provider) proves that Terraform rejects
the duplicates with the same headline, and ``terraform console`` shows the merged values.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from tf_inline import load, write

from scanner.model import Origin
from scanner.parsers.terraform.hcl import Block, parse_source
from scanner.parsers.terraform.overrides import is_override_file, merge_block

TERRAFORM = shutil.which("terraform")
_NO_TERRAFORM = "terraform is not on PATH: Terraform's own verdict is not checked"


def _terraform(args: list[str], cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    assert TERRAFORM is not None
    rc = cwd.parent / "terraformrc"
    rc.write_text("")
    env = dict(os.environ, TF_CLI_CONFIG_FILE=str(rc), CHECKPOINT_DISABLE="1")
    return subprocess.run(
        [TERRAFORM, *args], cwd=cwd, input=stdin, capture_output=True, text=True, env=env,
        timeout=120, check=False,
    )


def problems(model: object) -> list[tuple[str, int, str]]:
    return sorted((p.span.path, p.span.line, p.message) for p in model.problems)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------
# Declared twice
# ---------------------------------------------------------------------------

TWICE_A = """
    variable "multi" { default = true }
    locals { bucket = "logs-a" }
    resource "aws_cloudtrail" "t" {
      name                  = "first"
      name                  = "second"
      s3_bucket_name        = local.bucket
      is_multi_region_trail = var.multi
      enable_logging        = true
      enable_log_file_validation = true
      enable_log_file_validation = false
    }
    resource "aws_s3_bucket" "logs" { bucket = "kept" }
    data "aws_iam_policy_document" "d" {}
    module "m" { source = "./m" }
    output "o" { value = 1 }
"""
TWICE_B = """
    variable "multi" { default = false }
    locals { bucket = "logs-b" }
    resource "aws_s3_bucket" "logs" { bucket = "dropped" }
    data "aws_iam_policy_document" "d" {}
    module "m" { source = "./m" }
    output "o" { value = 2 }
"""

# The headline of each error, as terraform validate prints it.
HEADLINES = [
    "Attribute redefined",
    "Duplicate variable declaration",
    "Duplicate local value definition",
    'Duplicate resource "aws_s3_bucket" configuration',
    'Duplicate data "aws_iam_policy_document" configuration',
    "Duplicate module call",
    "Duplicate output definition",
]


def test_names_declared_twice_across_files(tmp_path: Path) -> None:
    model = load(tmp_path, {"a.tf": TWICE_A, "b.tf": TWICE_B, "m/main.tf": ""})
    assert problems(model) == [
        ("stack/a.tf", 5, 'Attribute redefined: the argument "name" was already set at '
         "stack/a.tf:4,3; each argument may be set only once"),
        ("stack/a.tf", 10, 'Attribute redefined: the argument "enable_log_file_validation" was '
         "already set at stack/a.tf:9,3; each argument may be set only once"),
        ("stack/b.tf", 1, 'Duplicate variable declaration: a variable named "multi" was already '
         "declared at stack/a.tf:1,1; variable names must be unique within a module"),
        ("stack/b.tf", 2, 'Duplicate local value definition: a local value named "bucket" was '
         "already defined at stack/a.tf:2,10; local value names must be unique within a module"),
        ("stack/b.tf", 3, 'Duplicate resource "aws_s3_bucket" configuration: a aws_s3_bucket '
         'resource named "logs" was already declared at stack/a.tf:12,1; resource names must be '
         "unique per type in each module"),
        ("stack/b.tf", 4, 'Duplicate data "aws_iam_policy_document" configuration: a '
         'aws_iam_policy_document data resource named "d" was already declared at '
         "stack/a.tf:13,1; resource names must be unique per type in each module"),
        ("stack/b.tf", 5, 'Duplicate module call: a module call named "m" was already defined at '
         "stack/a.tf:14,1; module calls must have unique names within a module"),
        ("stack/b.tf", 6, 'Duplicate output definition: an output named "o" was already defined '
         "at stack/a.tf:15,1; output names must be unique within a module"),
    ]
    (trail,) = model.trails
    # one value written twice: UNKNOWN, never silently the last one
    assert trail.name.origin is Origin.UNKNOWN
    assert trail.name.reason == ('"name" is set more than once in one block (stack/a.tf:4,3 and '
                                 "line 5); Terraform rejects the configuration")
    assert trail.log_file_validation.origin is Origin.UNKNOWN
    assert trail.s3_bucket_name.origin is Origin.UNKNOWN
    assert trail.s3_bucket_name.reason.startswith("local.bucket is defined more than once")
    assert trail.is_multi_region.origin is Origin.UNKNOWN
    assert trail.is_multi_region.reason.startswith("variable multi is declared more than once")
    # a whole block declared twice: the first declaration is kept
    (bucket,) = model.buckets
    assert bucket.name.value == "kept" and bucket.span.path == "stack/a.tf"
    assert trail.enable_logging.value is True


def test_terraform_rejects_the_same_duplicates(tmp_path: Path) -> None:
    if TERRAFORM is None:
        pytest.skip(_NO_TERRAFORM)
    write(tmp_path, {"a.tf": TWICE_A, "b.tf": TWICE_B, "m/main.tf": ""})
    done = _terraform(["validate", "-no-color"], tmp_path)
    assert done.returncode != 0
    for headline in HEADLINES:
        assert f"Error: {headline}" in done.stderr, headline


def test_duplicate_in_one_file_and_json_keys(tmp_path: Path) -> None:
    model = load(tmp_path, {
        "main.tf": """
            resource "aws_cloudtrail" "t" {
              name           = "t"
              s3_bucket_name = "b"
            }
            resource "aws_cloudtrail" "t" {
              name           = "other"
              s3_bucket_name = "b"
            }
        """,
        "more.tf.json": json.dumps({"locals": {"x": 1}}) + "\n",
        "z.tf.json": '{"locals": {"y": 1, "y": 2}}\n',
    })
    assert problems(model) == [
        ("stack/main.tf", 5, 'Duplicate resource "aws_cloudtrail" configuration: a '
         'aws_cloudtrail resource named "t" was already declared at stack/main.tf:1,1; resource '
         "names must be unique per type in each module"),
        ("stack/z.tf.json", 1, 'Duplicate attribute definition: the argument "y" was already set '
         "at stack/z.tf.json:1,13; each argument may be set only once"),
    ]
    (trail,) = model.trails
    assert trail.name.value == "t"


def test_tfvars_key_set_twice(tmp_path: Path) -> None:
    model = load(tmp_path, {
        "main.tf": """
            variable "name" { default = "default" }
            variable "multi" { default = true }
            resource "aws_cloudtrail" "t" {
              name                  = var.name
              s3_bucket_name        = "b"
              is_multi_region_trail = var.multi
            }
        """,
        "terraform.tfvars": 'name = "one"\nname = "two"\n',
        "x.auto.tfvars.json": '{\n  "multi": false,\n  "multi": true\n}\n',
    })
    assert problems(model) == [
        ("stack/terraform.tfvars", 2, 'Attribute redefined: the argument "name" was already set '
         "at stack/terraform.tfvars:1,1; each argument may be set only once"),
        ("stack/x.auto.tfvars.json", 3, 'Duplicate attribute definition: the argument "multi" was '
         "already set at stack/x.auto.tfvars.json:2,3; each argument may be set only once"),
    ]
    (trail,) = model.trails
    assert trail.name.origin is Origin.UNKNOWN
    assert trail.is_multi_region.origin is Origin.UNKNOWN


def test_terraform_rejects_tfvars_keys_set_twice(tmp_path: Path) -> None:
    if TERRAFORM is None:
        pytest.skip(_NO_TERRAFORM)
    write(tmp_path, {
        "main.tf": 'variable "name" {}\noutput "n" { value = var.name }\n',
        "terraform.tfvars": 'name = "one"\nname = "two"\n',
        "x.auto.tfvars.json": '{"name": "a", "name": "b"}\n',
    })
    done = _terraform(["plan", "-no-color", "-input=false"], tmp_path)
    assert "Error: Attribute redefined" in done.stderr
    assert "Error: Duplicate attribute definition" in done.stderr


# ---------------------------------------------------------------------------
# Override files
# ---------------------------------------------------------------------------

BASE = """
    variable "prefix" { default = "base" }
    locals {
      bucket = "logs"
      name   = "${var.prefix}-trail"
    }
    resource "aws_cloudtrail" "t" {
      name                       = local.name
      s3_bucket_name             = local.bucket
      enable_log_file_validation = false
      event_selector {
        read_write_type = "ReadOnly"
      }
      event_selector {
        read_write_type = "WriteOnly"
      }
      advanced_event_selector {
        name = "kept"
        field_selector {
          field  = "eventCategory"
          equals = ["Management"]
        }
      }
    }
    output "name" { value = aws_cloudtrail.t.name }
"""


def test_override_files_merge_as_terraform_merges(tmp_path: Path) -> None:
    model = load(tmp_path, {
        "main.tf": BASE,
        "b_override.tf": """
            variable "prefix" { default = "from-b" }
            locals { bucket = "b-logs" }
            resource "aws_cloudtrail" "t" {
              # trailscan:ignore CT008 validation is done by the log archive
              enable_log_file_validation = true
              event_selector {
                read_write_type = "All"
              }
            }
        """,
        "a_override.tf": """
            variable "prefix" { default = "from-a" }
            resource "aws_cloudtrail" "t" {
              is_multi_region_trail = true
            }
        """,
        "override.tf.json": json.dumps(
            {"locals": {"bucket": "json-logs"}, "resource": {"aws_cloudtrail": {"t": {"name": "j"}}}}
        ),
    })
    assert model.problems == ()
    (trail,) = model.trails
    # attributes replaced (later files win: a_ < b_ < override.tf.json), others kept
    assert trail.name.value == "j" and trail.name.span.path == "stack/override.tf.json"
    assert trail.s3_bucket_name.value == "json-logs"
    assert trail.log_file_validation.value is True
    assert trail.log_file_validation.span.path == "stack/b_override.tf"
    assert trail.log_file_validation.span.line == 5
    assert trail.is_multi_region.value is True
    # nested blocks of an overridden type replaced wholesale; other types kept
    assert [s.read_write_type.value for s in trail.event_selectors.value] == ["All"]
    assert [s.name for s in trail.advanced_event_selectors.value] == ["kept"]
    # the block keeps its place in the primary file; override comments count
    assert trail.span.path == "stack/main.tf"
    assert [(s.ids, s.span.path) for s in trail.suppressions] == [
        (("CT008",), "stack/b_override.tf")
    ]


def test_override_of_nothing_is_terraforms_error(tmp_path: Path) -> None:
    model = load(tmp_path, {
        "main.tf": 'locals { a = 1 }\nresource "aws_s3_bucket" "b" { bucket = "x" }\n',
        "override.tf": """
            resource "aws_s3_bucket" "missing" { bucket = "y" }
            resource "aws_s3_bucket" "b" { bucket = "z" }
            data "aws_caller_identity" "c" {}
            module "m" { source = "./m" }
            variable "v" {}
            output "o" { value = 1 }
            locals {
              a = 2
              z = 3
            }
        """,
    })
    assert [(p, line, m.split(":")[0]) for p, line, m in problems(model)] == [
        ("stack/override.tf", 1, "Missing resource to override"),
        ("stack/override.tf", 3, "Missing data resource to override"),
        ("stack/override.tf", 4, "Missing module call to override"),
        ("stack/override.tf", 5, "Missing base variable declaration to override"),
        ("stack/override.tf", 6, "Missing base output definition to override"),
        ("stack/override.tf", 9, "Missing base local value definition to override"),
    ]
    assert problems(model)[0][2] == (
        'Missing resource to override: there is no aws_s3_bucket resource named "missing"; an '
        "override file can only override a resource block defined in a primary configuration file"
    )
    (bucket,) = model.buckets
    assert bucket.name.value == "z"


def test_terraform_merges_override_values_the_same_way(tmp_path: Path) -> None:
    if TERRAFORM is None:
        pytest.skip(_NO_TERRAFORM)
    files = {
        "main.tf": 'variable "prefix" { default = "base" }\n'
                   'locals {\n  bucket = "logs"\n  name = "${var.prefix}-trail"\n}\n',
        "a_override.tf": 'variable "prefix" { default = "from-a" }\n',
        "b_override.tf": 'locals { bucket = "b-logs" }\n',
        "override.tf.json": json.dumps({"locals": {"bucket": "json-logs"}}),
    }
    write(tmp_path, files)
    done = _terraform(["console"], tmp_path, 'jsonencode([local.name, local.bucket])\n')
    assert json.loads(json.loads(done.stdout)) == ["from-a-trail", "json-logs"]


def test_merge_block_rules() -> None:
    text = textwrap.dedent("""
        resource "x" "y" {
          a = 1
          b = 2
          lifecycle {
            create_before_destroy = true
            ignore_changes        = [a]
          }
          dynamic "setting" {
            for_each = []
            content {}
          }
          other {}
        }
    """)
    override = textwrap.dedent("""
        resource "x" "y" {
          b = 3
          lifecycle {
            prevent_destroy = true
          }
          setting {}
        }
    """)
    base = parse_source("main.tf", text).body.blocks[0]  # type: ignore[union-attr]
    over = parse_source("override.tf", override).body.blocks[0]  # type: ignore[union-attr]
    merged = merge_block(base, over, merge_lifecycle=True)
    assert sorted(merged.attributes) == ["a", "b"]
    assert merged.attributes["b"].span.path == "override.tf"
    assert sorted((b.type, b.labels) for b in merged.blocks) == [
        ("lifecycle", ()), ("other", ()), ("setting", ()),
    ]
    (lifecycle,) = [b for b in merged.blocks if b.type == "lifecycle"]
    assert sorted(lifecycle.attributes) == [
        "create_before_destroy", "ignore_changes", "prevent_destroy",
    ]
    assert isinstance(base, Block) and len(base.blocks) == 3  # the inputs are unchanged


@pytest.mark.parametrize(
    ("name", "expected"),
    [("override.tf", True), ("override.tf.json", True), ("prod_override.tf", True),
     ("x_override.tf.json", True), ("overrides.tf", False), ("my-override.tf", False),
     ("override.tfvars", False)],
)
def test_override_file_names(name: str, expected: bool) -> None:
    assert is_override_file(name) is expected
