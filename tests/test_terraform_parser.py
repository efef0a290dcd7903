"""Unit tests of the Terraform front end on inline HCL written to a temporary root."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from scanner.limits import Limits
from scanner.model import Model, Origin, Principal, Span
from scanner.parsers.common import UnknownValue, policy_document_from_json
from scanner.parsers.terraform import load_terraform

CORPUS = Path("/work/shared/corpus/cases")


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


def load(tmp_path: Path, files: dict[str, str], unit: str = "stack", **kwargs: object) -> Model:
    write(tmp_path / unit, files)
    return load_terraform(tmp_path / unit, tmp_path, **kwargs)  # type: ignore[arg-type]


def trail_named(model: Model, ref: str):  # noqa: ANN201
    return next(t for t in model.trails if t.ref == ref)


def one_trail(tmp_path: Path, body: str, extra: str = "", **kwargs: object):  # noqa: ANN201
    model = load(tmp_path, {"main.tf": extra + '\nresource "aws_cloudtrail" "t" {\n'
                            + body + "\n}\n"}, **kwargs)
    assert not model.problems, model.problems
    return model.trails[0]


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
# Locals, templates and functions
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


def test_interpolation_conditionals_arithmetic(tmp_path: Path) -> None:
    trail = one_trail(
        tmp_path,
        'name = "t-${1 + 2 * 3}-${var.env == "prod" ? "p" : "np"}"\n'
        "is_multi_region_trail = !false && (3 > 2 || false)\n"
        's3_bucket_name = "a$${literal}b"',
        'variable "env" { default = "prod" }\n',
    )
    assert trail.name.value == "t-7-p"
    assert trail.is_multi_region.value is True
    assert trail.s3_bucket_name.value == "a${literal}b"


def test_template_directives(tmp_path: Path) -> None:
    trail = one_trail(
        tmp_path,
        'name = "%{ if var.on }yes%{ else }no%{ endif }"\n'
        's3_bucket_name = "%{ for x in ["a", "b"] }${x}.%{ endfor }"\n'
        's3_key_prefix = "%{ if var.unknown }x%{ endif }"',
        'variable "on" { default = false }\nvariable "unknown" {}\n',
    )
    assert trail.name.value == "no"
    assert trail.s3_bucket_name.value == "a.b."
    assert trail.s3_key_prefix.origin is Origin.UNKNOWN


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('format("%s-%03d", "a", 7)', "a-007"),
        ('join("-", concat(["a"], ["b", "c"]))', "a-b-c"),
        ('lookup(merge({a = "1"}, {b = "2"}), "b", "z")', "2"),
        ('lookup({a = "1"}, "q", "z")', "z"),
        ('try(local.m.missing, "fallback")', "fallback"),
        ('coalesce("", "first")', "first"),
        ('jsonencode({a = [1, true]})', '{"a":[1,true]}'),
        ('jsondecode("{\\"k\\": \\"v\\"}").k', "v"),
        ("tostring(12)", "12"),
        ('tostring(tonumber("4") + 1)', "5"),
        ('tobool("true") ? "t" : "f"', "t"),
        ('join(",", tolist(toset(["b", "a", "b"])))', "a,b"),
        ('tomap({x = "y"})["x"]', "y"),
        ('tostring(length([1, 2, 3]))', "3"),
        ('element(["a", "b"], 3)', "b"),
        ('"${lower("AB")}${upper("cd")}"', "abCD"),
        ('replace("a.b.c", ".", "-")', "a-b-c"),
        ('join("|", split(",", "x,y"))', "x|y"),
        ('trimspace("  z  ")', "z"),
        ('contains(["a", "b"], "b") ? "yes" : "no"', "yes"),
        ('join(",", keys({b = 1, a = 2}))', "a,b"),
        ('join(",", values({b = "1", a = "2"}))', "2,1"),
        ('join(",", flatten([["a"], [["b"]]]))', "a,b"),
        ('join(",", distinct(["a", "a", "b"]))', "a,b"),
        ('join(",", compact(["a", "", "b"]))', "a,b"),
        ('join(",", [for k, v in {a = 1, b = 2} : "${k}=${v}" if v > 1])', "b=2"),
        ('join(",", [for s in ["x", "y"] : upper(s)])', "X,Y"),
        ('{for k, v in {a = "1"} : v => k}["1"]', "a"),
        ('join(",", local.objs[*].n)', "n1,n2"),
        ('local.objs[1].n', "n2"),
    ],
)
def test_functions_and_expressions(tmp_path: Path, expr: str, expected: str) -> None:
    trail = one_trail(
        tmp_path,
        f"name = {expr}\ns3_bucket_name = \"b\"",
        'locals {\n  m = {}\n  objs = [{ n = "n1" }, { n = "n2" }]\n}\n',
    )
    assert trail.name.origin is Origin.EXPLICIT, trail.name.reason
    assert trail.name.value == expected


def test_unknown_function_and_file_are_unknown(tmp_path: Path) -> None:
    trail = one_trail(tmp_path, 'name = file("x.txt")\ns3_bucket_name = timestamp()')
    assert trail.name.origin is Origin.UNKNOWN and "file()" in trail.name.reason
    assert trail.s3_bucket_name.origin is Origin.UNKNOWN


def test_heredoc_trimming(tmp_path: Path) -> None:
    trail = one_trail(
        tmp_path,
        'name = <<-EOT\n    line ${var.x}\n      indented\n  EOT\n'
        's3_bucket_name = <<EOT\nraw\nEOT\n',
        'variable "x" { default = "one" }\n',
    )
    assert trail.name.value == "line one\n  indented\n"
    assert trail.s3_bucket_name.value == "raw\n"
    assert trail.name.span.line == 4 and trail.name.span.end_line == 7


# ---------------------------------------------------------------------------
# References and symbolic values
# ---------------------------------------------------------------------------


def test_bucket_references(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        resource "aws_s3_bucket" "named" { bucket = "my-logs" }
        resource "aws_s3_bucket" "prefixed" { bucket_prefix = "logs-" }
        resource "aws_cloudtrail" "a" {
          name           = "a"
          s3_bucket_name = aws_s3_bucket.named.id
          s3_key_prefix  = aws_s3_bucket.named.arn
        }
        resource "aws_cloudtrail" "b" {
          name           = "b"
          s3_bucket_name = aws_s3_bucket.prefixed.bucket
          s3_key_prefix  = aws_s3_bucket.prefixed.arn
        }
    """})
    a, b = trail_named(model, "aws_cloudtrail.a"), trail_named(model, "aws_cloudtrail.b")
    assert a.s3_bucket_name.value == "my-logs"
    assert a.s3_key_prefix.value == "arn:aws:s3:::my-logs"
    assert b.s3_bucket_name.value == "${aws_s3_bucket.prefixed}"
    assert b.s3_key_prefix.value == "arn:aws:s3:::${aws_s3_bucket.prefixed}"
    bucket = next(x for x in model.buckets if x.ref == "aws_s3_bucket.prefixed")
    assert bucket.name.value == "${aws_s3_bucket.prefixed}"
    assert bucket.name.origin is Origin.EXPLICIT


def test_log_group_kms_role_topic_arns(tmp_path: Path) -> None:
    trail = one_trail(
        tmp_path,
        'name = "t"\ns3_bucket_name = "b"\n'
        'cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.lg.arn}:*"\n'
        "cloud_watch_logs_role_arn = aws_iam_role.r.arn\n"
        "kms_key_id = aws_kms_key.k.arn\n"
        "sns_topic_name = aws_sns_topic.s.name",
        'resource "aws_cloudwatch_log_group" "lg" { name = "trail-lg" }\n'
        'resource "aws_iam_role" "r" { name = "ct-role" }\n'
        'resource "aws_kms_key" "k" {}\n'
        'resource "aws_sns_topic" "s" {}\n',
    )
    assert trail.cloud_watch_logs_group_arn.value == (
        "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:trail-lg:*"
    )
    assert trail.cloud_watch_logs_role_arn.value == "arn:aws:iam::${AWS::AccountId}:role/ct-role"
    assert trail.kms_key_id.value == (
        "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/${aws_kms_key.k}"
    )
    assert trail.sns_topic_name.value == "${aws_sns_topic.s}"


def test_data_sources(tmp_path: Path) -> None:
    trail = one_trail(
        tmp_path,
        'name = "${data.aws_caller_identity.c.account_id}-${data.aws_region.r.name}"\n'
        's3_bucket_name = "${data.aws_partition.p.partition}-x"\n'
        "kms_key_id = data.aws_kms_key.k.arn",
        'data "aws_caller_identity" "c" {}\ndata "aws_region" "r" {}\n'
        'data "aws_partition" "p" {}\ndata "aws_kms_key" "k" { key_id = "alias/x" }\n',
    )
    assert trail.name.value == "${AWS::AccountId}-${AWS::Region}"
    assert trail.s3_bucket_name.value == "aws-x"
    assert trail.kms_key_id.origin is Origin.UNKNOWN
    assert "aws_kms_key" in trail.kms_key_id.reason


def test_computed_attribute_not_listed_is_unknown(tmp_path: Path) -> None:
    trail = one_trail(tmp_path, 'name = aws_s3_bucket.b.hosted_zone_id\ns3_bucket_name = "x"',
                      'resource "aws_s3_bucket" "b" {}\n')
    assert trail.name.origin is Origin.UNKNOWN
    assert "after apply" in trail.name.reason


def test_implicit_and_explicit_depends_on(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        locals { lg = aws_cloudwatch_log_group.g.arn }
        resource "aws_cloudwatch_log_group" "g" {}
        resource "aws_s3_bucket" "b" {}
        resource "aws_s3_bucket_policy" "p" { bucket = aws_s3_bucket.b.id }
        resource "aws_cloudtrail" "t" {
          name                       = "t"
          s3_bucket_name             = aws_s3_bucket.b.id
          cloud_watch_logs_group_arn = "${local.lg}:*"
          depends_on                 = [aws_s3_bucket_policy.p]
        }
    """})
    assert model.trails[0].depends_on == (
        "aws_cloudwatch_log_group.g", "aws_s3_bucket.b", "aws_s3_bucket_policy.p",
    )


# ---------------------------------------------------------------------------
# Modules
# ---------------------------------------------------------------------------

INNER = """
variable "bucket" {}
variable "multi" { default = false }
resource "aws_cloudtrail" "t" {
  name                  = "inner"
  s3_bucket_name        = var.bucket
  is_multi_region_trail = var.multi
}
output "trail_arn" { value = aws_cloudtrail.t.arn }
"""


def test_nested_local_modules(tmp_path: Path) -> None:
    model = load(tmp_path, {
        "main.tf": """
            resource "aws_s3_bucket" "logs" { bucket = "root-logs" }
            module "audit" {
              source = "./modules/audit"
              bucket = aws_s3_bucket.logs.id
            }
            resource "aws_cloudtrail" "root" {
              name           = module.audit.arn
              s3_bucket_name = "x"
            }
        """,
        "modules/audit/main.tf": """
            variable "bucket" {}
            module "inner" {
              source = "../inner"
              bucket = var.bucket
              multi  = true
            }
            output "arn" { value = module.inner.trail_arn }
        """,
        "modules/inner/main.tf": INNER,
    })
    assert not model.problems
    inner = trail_named(model, "module.audit.module.inner.aws_cloudtrail.t")
    assert inner.s3_bucket_name.value == "root-logs"
    assert inner.is_multi_region.value is True
    assert inner.span.path == "stack/modules/inner/main.tf"
    root = trail_named(model, "aws_cloudtrail.root")
    assert root.name.value == "arn:aws:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/inner"
    assert "stack/modules/inner/main.tf" in model.units[0].files
    assert model.units[0].id == "stack"


def test_module_count_and_for_each(tmp_path: Path) -> None:
    model = load(tmp_path, {
        "main.tf": """
            module "c" {
              source = "./inner"
              count  = 2
              bucket = "b${count.index}"
            }
            module "f" {
              source   = "./inner"
              for_each = { x = "bx", y = "by" }
              bucket   = each.value
            }
        """,
        "inner/main.tf": INNER,
    })
    refs = {t.ref: t.s3_bucket_name.value for t in model.trails}
    assert refs == {
        "module.c[0].aws_cloudtrail.t": "b0",
        "module.c[1].aws_cloudtrail.t": "b1",
        'module.f["x"].aws_cloudtrail.t': "bx",
        'module.f["y"].aws_cloudtrail.t': "by",
    }


def test_remote_and_missing_modules_are_unknown(tmp_path: Path) -> None:
    trail = one_trail(
        tmp_path,
        "name = module.remote.name",
        'module "remote" { source = "terraform-aws-modules/cloudtrail/aws" }\n',
    )
    assert trail.name.origin is Origin.UNKNOWN
    assert trail.name.reason == (
        "module source terraform-aws-modules/cloudtrail/aws not available offline"
    )
    # A local source that does not exist is also a problem the user must see (CT901).
    model = load(tmp_path / "missing", {"main.tf": (
        'module "missing" {\n  source = "./nope"\n}\n'
        'resource "aws_cloudtrail" "t" {\n  s3_bucket_name = module.missing.bucket\n}\n'
    )})
    assert model.trails[0].s3_bucket_name.reason == "module source ./nope not available offline"
    assert [(p.span.line, p.message) for p in model.problems] == [
        (2, "module source ./nope does not exist; the module is not checked")
    ]


def test_module_outside_root_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path, {"outside/main.tf": INNER})
    model = load(tmp_path / "scan", {"main.tf": 'module "o" {\n  source = "../../outside"\n}\n'})
    assert model.trails == ()
    assert [p.message for p in model.problems] == [
        "module source ../../outside is outside the scanned root"
    ]
    assert model.problems[0].span.line == 2


def test_module_cycle_is_a_problem(tmp_path: Path) -> None:
    model = load(tmp_path, {
        "main.tf": 'module "a" { source = "./a" }\n',
        "a/main.tf": 'module "b" { source = "../a" }\n',
    })
    assert any("cycle" in p.message for p in model.problems)


def test_module_depth_limit(tmp_path: Path) -> None:
    model = load(tmp_path, {
        "main.tf": 'module "a" { source = "./a" }\n',
        "a/main.tf": 'module "b" { source = "./b" }\n',
        "a/b/main.tf": INNER,
    }, limits=Limits(max_module_depth=2))
    assert any("max_module_depth" in p.message for p in model.problems)


def test_module_suppression_applies_to_its_records(tmp_path: Path) -> None:
    model = load(tmp_path, {
        "main.tf": """
            # trailscan:ignore CT001 regional by design
            module "m" {
              source = "./inner"
              bucket = "b"
            }
        """,
        "inner/main.tf": INNER,
    })
    (supp,) = model.trails[0].suppressions
    assert supp.ids == ("CT001",) and supp.reason == "regional by design"
    assert supp.span.path == "stack/main.tf" and supp.span.line == 1


# ---------------------------------------------------------------------------
# count, for_each, dynamic
# ---------------------------------------------------------------------------


def test_count_zero_and_two(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        resource "aws_cloudtrail" "none" {
          count          = 0
          name           = "n"
          s3_bucket_name = "b"
        }
        resource "aws_cloudtrail" "two" {
          count          = 2
          name           = "t${count.index}"
          s3_bucket_name = "b"
        }
    """})
    assert [(t.ref, t.name.value) for t in model.trails] == [
        ("aws_cloudtrail.two[0]", "t0"), ("aws_cloudtrail.two[1]", "t1"),
    ]


def test_unknown_count_keeps_one_instance(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        variable "n" {}
        resource "aws_cloudtrail" "t" {
          count          = var.n
          name           = "t${count.index}"
          s3_bucket_name = "b"
        }
    """})
    (trail,) = model.trails
    assert trail.ref == "aws_cloudtrail.t"
    assert trail.name.origin is Origin.UNKNOWN


def test_for_each_map(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        resource "aws_s3_bucket" "b" {
          for_each = { logs = "l-bucket", data = "d-bucket" }
          bucket   = each.value
        }
        resource "aws_cloudtrail" "t" {
          name           = "t"
          s3_bucket_name = aws_s3_bucket.b["logs"].id
        }
    """})
    assert [(b.ref, b.name.value) for b in model.buckets] == [
        ('aws_s3_bucket.b["data"]', "d-bucket"), ('aws_s3_bucket.b["logs"]', "l-bucket"),
    ]
    assert model.trails[0].s3_bucket_name.value == "l-bucket"


def test_dynamic_event_selector_known(tmp_path: Path) -> None:
    trail = one_trail(tmp_path, """
  name           = "t"
  s3_bucket_name = "b"
  dynamic "event_selector" {
    for_each = ["ReadOnly", "WriteOnly"]
    iterator = sel
    content {
      read_write_type = sel.value
      data_resource {
        type   = "AWS::S3::Object"
        values = ["arn:aws:s3"]
      }
    }
  }
""")
    selectors = trail.event_selectors.value
    assert [s.read_write_type.value for s in selectors] == ["ReadOnly", "WriteOnly"]
    assert not any(s.maybe for s in selectors)
    assert selectors[0].data_resources[0].values == ("arn:aws:s3",)
    assert selectors[0].include_management_events.origin is Origin.DEFAULT


def test_dynamic_event_selector_unknown(tmp_path: Path) -> None:
    trail = one_trail(tmp_path, """
  name           = "t"
  s3_bucket_name = "b"
  dynamic "event_selector" {
    for_each = var.selectors
    content {
      read_write_type           = event_selector.value.rw
      include_management_events = true
    }
  }
""", 'variable "selectors" {}\n')
    (sel,) = trail.event_selectors.value
    assert sel.maybe is True
    assert sel.read_write_type.origin is Origin.UNKNOWN
    assert sel.include_management_events.value is True


def test_unresolved_data_resource_values_keep_the_selector_certain(tmp_path: Path) -> None:
    trail = one_trail(tmp_path, """
  name           = "t"
  s3_bucket_name = "b"
  event_selector {
    read_write_type = "All"
    data_resource {
      type   = "AWS::S3::Object"
      values = ["${data.aws_s3_bucket.important.arn}/"]
    }
  }
""")
    (sel,) = trail.event_selectors.value
    assert sel.maybe is False
    (res,) = sel.data_resources
    assert res.type == "AWS::S3::Object" and "aws_s3_bucket" in res.unknown


def test_advanced_event_selector(tmp_path: Path) -> None:
    trail = one_trail(tmp_path, """
  name           = "t"
  s3_bucket_name = "b"
  advanced_event_selector {
    name = "s3"
    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }
    field_selector {
      field       = "resources.ARN"
      starts_with = [var.prefix]
    }
  }
""", 'variable "prefix" {}\n')
    (adv,) = trail.advanced_event_selectors.value
    assert adv.name == "s3"
    assert adv.field_selectors[0].equals == ("Data",)
    assert "var.prefix" in adv.unknown


# ---------------------------------------------------------------------------
# S3, KMS, CloudWatch, IAM records
# ---------------------------------------------------------------------------


def test_split_s3_resources_merge_into_one_bucket(tmp_path: Path) -> None:
    model = load(tmp_path, {
        "bucket.tf": 'resource "aws_s3_bucket" "logs" {\n  bucket = "trail-logs"\n}\n',
        "split.tf": """
            resource "aws_s3_bucket_public_access_block" "pab" {
              bucket                  = aws_s3_bucket.logs.id
              block_public_acls       = true
              block_public_policy     = true
              ignore_public_acls      = true
              restrict_public_buckets = true
            }
            resource "aws_s3_bucket_versioning" "v" {
              bucket = "trail-logs"
              versioning_configuration {
                status = "Enabled"
              }
            }
            resource "aws_s3_bucket_logging" "l" {
              bucket        = aws_s3_bucket.logs.bucket
              target_bucket = "access-logs"
            }
            resource "aws_s3_bucket_lifecycle_configuration" "lc" {
              bucket = aws_s3_bucket.logs.id
              rule {
                id     = "archive"
                status = "Enabled"
                filter {}
                transition {
                  days          = 90
                  storage_class = "GLACIER"
                }
                expiration {
                  days = 400
                }
              }
              rule {
                id     = "tagged"
                status = "Disabled"
                filter {
                  and {
                    prefix = "AWSLogs/"
                    tags   = { a = "b" }
                  }
                }
              }
            }
            resource "aws_s3_bucket_acl" "acl" {
              bucket = aws_s3_bucket.logs.id
              acl    = "log-delivery-write"
            }
            resource "aws_s3_bucket_object_lock_configuration" "ol" {
              bucket = aws_s3_bucket.logs.id
              rule {
                default_retention {
                  mode  = "GOVERNANCE"
                  years = 1
                }
              }
            }
            resource "aws_s3_bucket_versioning" "other" {
              bucket = "someone-else"
              versioning_configuration { status = "Suspended" }
            }
        """,
    })
    (bucket,) = model.buckets
    assert bucket.span.path == "stack/bucket.tf"
    pab = bucket.public_access_block.value
    assert pab is not None and pab.block_public_acls.value is True
    assert bucket.public_access_block.span.path == "stack/split.tf"
    assert bucket.versioning.value == "Enabled"
    assert bucket.versioning.span == Span(path="stack/split.tf", line=11, column=5,
                                          end_line=11, end_column=23)
    assert bucket.logging_target.value == "access-logs"
    archive, tagged = bucket.lifecycle_rules.value
    assert archive.enabled.value is True and archive.prefix.value == "" and not archive.narrowed
    assert archive.transitions[0].storage_class == "GLACIER"
    assert archive.transitions[0].days.value == 90
    assert archive.expiration_days.value == 400
    assert tagged.enabled.value is False and tagged.prefix.value == "AWSLogs/"
    assert tagged.narrowed
    assert bucket.acl.value == "log-delivery-write"
    assert bucket.object_lock.value is True
    assert bucket.object_lock_retention_days.value == 365
    assert bucket.mfa_delete.origin is Origin.DEFAULT


def test_inline_bucket_blocks(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        resource "aws_s3_bucket" "b" {
          bucket = "inline"
          acl    = "private"
          versioning {
            enabled = true
          }
          logging {
            target_bucket = "access"
          }
          lifecycle_rule {
            id      = "expire"
            enabled = true
            prefix  = "AWSLogs/"
            expiration {
              days = 365
            }
          }
        }
    """})
    (bucket,) = model.buckets
    assert bucket.versioning.value == "Enabled"
    assert bucket.logging_target.value == "access"
    (rule,) = bucket.lifecycle_rules.value
    assert rule.prefix.value == "AWSLogs/" and rule.expiration_days.value == 365
    assert rule.transitions == ()


def test_iam_policy_document_statements(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        data "aws_caller_identity" "me" {}
        data "aws_iam_policy_document" "d" {
          statement {
            sid     = "Write"
            actions = ["s3:PutObject"]
            resources = ["${aws_s3_bucket.b.arn}/AWSLogs/${data.aws_caller_identity.me.account_id}/*"]
            principals {
              type        = "Service"
              identifiers = ["cloudtrail.amazonaws.com"]
            }
            condition {
              test     = "StringEquals"
              variable = "s3:x-amz-acl"
              values   = ["bucket-owner-full-control"]
            }
          }
          statement {
            effect    = "Deny"
            actions   = ["s3:*"]
            resources = ["*"]
            principals {
              type        = "*"
              identifiers = ["*"]
            }
            condition {
              test     = "Bool"
              variable = "aws:SecureTransport"
              values   = [false]
            }
          }
        }
        resource "aws_s3_bucket" "b" { bucket = "logs" }
        resource "aws_s3_bucket_policy" "p" {
          bucket = aws_s3_bucket.b.id
          policy = data.aws_iam_policy_document.d.json
        }
    """})
    policy = model.buckets[0].policy
    assert policy.origin is Origin.EXPLICIT and policy.span.line == 35
    write_stmt, deny = policy.value.statements
    assert write_stmt.sid == "Write" and write_stmt.effect == "Allow"
    assert write_stmt.principals == (Principal(kind="Service", value="cloudtrail.amazonaws.com"),)
    assert write_stmt.resources == ("arn:aws:s3:::logs/AWSLogs/${AWS::AccountId}/*",)
    assert write_stmt.conditions[0].values == ("bucket-owner-full-control",)
    assert write_stmt.span.line == 3
    assert deny.effect == "Deny" and deny.principals == (Principal(kind="*", value="*"),)
    assert deny.conditions[0].values == ("false",)


def test_jsonencode_policy_with_statement_spans(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        resource "aws_kms_key" "k" {
          enable_key_rotation = true
          policy = jsonencode({
            Version = "2012-10-17"
            Statement = [
              {
                Sid       = "CT"
                Effect    = "Allow"
                Principal = { Service = "cloudtrail.amazonaws.com" }
                Action    = "kms:GenerateDataKey*"
                Resource  = "*"
                Condition = { StringLike = { "kms:EncryptionContext:aws:cloudtrail:arn" = var.arn } }
              }
            ]
          })
        }
        variable "arn" {}
    """})
    (key,) = model.kms_keys
    (stmt,) = key.policy.value.statements
    assert stmt.actions == ("kms:GenerateDataKey*",)
    assert stmt.span.line == 6
    assert stmt.unknown == ("Condition",)
    assert key.rotation.value is True and key.enabled.origin is Origin.DEFAULT
    assert key.key_id.value == "${aws_kms_key.k}"


def test_heredoc_policy_and_kms_alias(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        resource "aws_kms_key" "k" {
          policy = <<-POLICY
            {
              "Version": "2012-10-17",
              "Statement": {
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["kms:Decrypt"],
                "Resource": "*"
              }
            }
          POLICY
        }
        resource "aws_kms_alias" "a" {
          name          = "alias/trail"
          target_key_id = aws_kms_key.k.key_id
        }
    """})
    (key,) = model.kms_keys
    (stmt,) = key.policy.value.statements
    assert stmt.principals == (Principal(kind="*", value="*"),)
    assert stmt.actions == ("kms:Decrypt",)
    assert key.aliases == ("alias/trail",)


def test_cloudwatch_records(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        resource "aws_cloudwatch_log_group" "g" {
          name              = "ct"
          retention_in_days = 365
        }
        resource "aws_cloudwatch_log_metric_filter" "f" {
          name           = "root"
          log_group_name = aws_cloudwatch_log_group.g.name
          pattern        = "{ $.userIdentity.type = \\"Root\\" }"
          metric_transformation {
            name      = "RootUsage"
            namespace = "CIS"
            value     = "1"
          }
        }
        resource "aws_sns_topic" "alerts" { name = "alerts" }
        resource "aws_sns_topic_subscription" "s" {
          topic_arn = aws_sns_topic.alerts.arn
          protocol  = "email"
          endpoint  = "a@example.com"
        }
        resource "aws_cloudwatch_metric_alarm" "a" {
          alarm_name    = "root"
          metric_name   = "RootUsage"
          namespace     = "CIS"
          alarm_actions = [aws_sns_topic.alerts.arn]
        }
        resource "aws_cloudwatch_event_rule" "r" {
          name          = "ct-changes"
          event_pattern = jsonencode({ source = ["aws.cloudtrail"] })
          state         = "DISABLED"
        }
        resource "aws_cloudwatch_event_target" "t" {
          rule = aws_cloudwatch_event_rule.r.name
          arn  = aws_sns_topic.alerts.arn
        }
    """})
    (group,) = model.log_groups
    assert group.retention_days.value == 365 and group.kms_key_id.origin is Origin.DEFAULT
    (flt,) = model.metric_filters
    assert flt.log_group_name.value == "ct" and flt.pattern.value == '{ $.userIdentity.type = "Root" }'
    assert flt.metric_name.value == "RootUsage" and flt.metric_namespace.value == "CIS"
    (alarm,) = model.alarms
    topic_arn = "arn:aws:sns:${AWS::Region}:${AWS::AccountId}:alerts"
    assert alarm.actions.value == (topic_arn,) and alarm.actions_enabled.value is True
    (topic,) = model.topics
    assert topic.arn.value == topic_arn and topic.subscriptions == ("aws_sns_topic_subscription.s",)
    (rule,) = model.event_rules
    assert rule.pattern.value == {"source": ["aws.cloudtrail"]}
    assert rule.enabled.value is False and rule.targets == (topic_arn,)


def test_iam_role_policies(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        resource "aws_iam_role" "r" {
          name = "ct-logs"
          assume_role_policy = jsonencode({
            Version   = "2012-10-17"
            Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
                           Principal = { Service = "cloudtrail.amazonaws.com" } }]
          })
        }
        resource "aws_iam_role_policy" "p" {
          role   = aws_iam_role.r.name
          policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["logs:PutLogEvents"], Resource = "*" }] })
        }
        resource "aws_iam_policy" "m" {
          name   = "extra"
          policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "logs:CreateLogStream", Resource = "*" }] })
        }
        resource "aws_iam_role_policy_attachment" "a" {
          role       = aws_iam_role.r.name
          policy_arn = aws_iam_policy.m.arn
        }
        resource "aws_iam_role_policy_attachment" "aws" {
          role       = aws_iam_role.r.id
          policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
        }
    """})
    (role,) = model.roles
    assert role.trust_policy.value.statements[0].principals == (
        Principal(kind="Service", value="cloudtrail.amazonaws.com"),
    )
    actions = [s.actions for doc in role.permission_policies for s in doc.statements]
    assert actions == [("logs:PutLogEvents",), ("logs:CreateLogStream",)]
    assert role.permissions_complete is False
    assert role.arn.value == "arn:aws:iam::${AWS::AccountId}:role/ct-logs"


# ---------------------------------------------------------------------------
# Provider defaults, suppressions, parse problems, JSON syntax
# ---------------------------------------------------------------------------


def test_cloudtrail_provider_defaults(tmp_path: Path) -> None:
    trail = one_trail(tmp_path, 'name = "t"\ns3_bucket_name = "b"')
    header = Span(path="stack/main.tf", line=1, column=1, end_line=1, end_column=32)
    expected = {
        "is_multi_region": False,
        "include_global_service_events": True,
        "enable_logging": True,
        "log_file_validation": False,
        "is_organization_trail": False,
        "kms_key_id": None,
        "s3_key_prefix": None,
        "event_selectors": (),
    }
    for name, value in expected.items():
        got = getattr(trail, name)
        assert (got.value, got.origin, got.span) == (value, Origin.DEFAULT, header), name
    assert trail.span.line == 1 and trail.span.end_line == 4


def test_suppression_comments(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        # some unrelated comment
        // trailscan:ignore CT008,CT009 accepted risk until=2027-03-31
        resource "aws_cloudtrail" "t" {
          #checkov:skip=CKV_AWS_35:encrypted elsewhere
          name           = "t"
          s3_bucket_name = "b" # trailscan:ignore CT001
        }

        # trailscan:ignore CT007 not attached: blank line between

        resource "aws_s3_bucket" "b" {}
    """})
    supps = model.trails[0].suppressions
    assert [(s.ids, s.reason, s.until, s.source, s.span.line) for s in supps] == [
        (("CT008", "CT009"), "accepted risk", "2027-03-31", "trailscan", 2),
        (("CKV_AWS_35",), "encrypted elsewhere", "", "checkov", 4),
        (("CT001",), "", "", "trailscan", 6),
    ]
    assert model.buckets[0].suppressions == ()


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


def test_count_limit(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": 'resource "aws_s3_bucket" "b" {\n  count = 5\n}\n'},
                 limits=Limits(max_instances=3))
    assert len(model.buckets) == 3
    assert "max_instances" in model.problems[0].message


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
# policy_document_from_json directly
# ---------------------------------------------------------------------------


def test_policy_document_from_json_shapes() -> None:
    span = Span(path="p.json")
    doc = policy_document_from_json(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": ["arn:aws:iam::1:root", UnknownValue("x")]},
                    "NotAction": "s3:Get*",
                    "Resource": ["a", 1],
                    "Condition": {"NumericLessThan": {"s3:max-keys": 10}},
                }
            ]
        },
        span,
    )
    (stmt,) = doc.statements
    assert stmt.principals == (Principal(kind="AWS", value="arn:aws:iam::1:root"),)
    assert stmt.not_actions == ("s3:Get*",) and stmt.actions is None
    assert stmt.resources == ("a", "1")
    assert stmt.conditions[0].values == ("10",)
    assert stmt.unknown == ("Principal",)
    assert policy_document_from_json("{bad", span).unknown.startswith("policy is not valid JSON")
    assert policy_document_from_json(UnknownValue("why"), span).unknown == "why"


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


def test_unknown_for_each_keeps_one_instance_with_unknown_each(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        variable "names" {}
        resource "aws_cloudtrail" "t" {
          for_each       = var.names
          name           = each.key
          s3_bucket_name = "b"
        }
    """})
    (trail,) = model.trails
    assert trail.ref == "aws_cloudtrail.t"
    assert trail.name.origin is Origin.UNKNOWN
    assert trail.name.reason == "var.names has no default and no value"


def test_policy_document_source_and_override(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        data "aws_iam_policy_document" "base" {
          statement {
            sid       = "A"
            actions   = ["s3:GetObject"]
            resources = ["*"]
          }
          statement {
            sid       = "B"
            actions   = ["s3:ListBucket"]
            resources = ["*"]
          }
        }
        data "aws_iam_policy_document" "final" {
          source_policy_documents   = [data.aws_iam_policy_document.base.json]
          override_policy_documents = [jsonencode({ Statement = [
            { Sid = "B", Effect = "Deny", Action = "s3:*", Resource = "*" }
          ] })]
        }
        resource "aws_s3_bucket" "b" { policy = data.aws_iam_policy_document.final.json }
    """})
    stmts = model.buckets[0].policy.value.statements
    assert [(s.sid, s.effect, s.actions) for s in stmts] == [
        ("A", "Allow", ("s3:GetObject",)), ("B", "Deny", ("s3:*",)),
    ]


def test_deep_local_chain_does_not_crash(tmp_path: Path) -> None:
    chain = "\n".join(f"  l{i} = local.l{i + 1}" for i in range(3000))
    model = load(tmp_path, {"main.tf": "locals {\n" + chain + '\n  l3000 = "end"\n}\n'
                            'resource "aws_cloudtrail" "t" {\n  name = local.l0\n'
                            '  s3_bucket_name = "b"\n}\n'})
    (trail,) = model.trails
    assert trail.name.origin is Origin.UNKNOWN
    assert "nest" in trail.name.reason or "deep" in trail.name.reason


def test_log_group_arn_has_no_suffix_and_trail_adds_it(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        resource "aws_cloudwatch_log_group" "g" { name = "ct" }
        resource "aws_cloudtrail" "t" {
          name                       = "t"
          s3_bucket_name             = "b"
          cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.g.arn}:*"
        }
    """})
    group_arn = model.log_groups[0].arn.value
    assert group_arn == "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:ct"
    assert model.trails[0].cloud_watch_logs_group_arn.value == group_arn + ":*"


def test_key_policy_account_pab_inline_and_managed_role_policies(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        resource "aws_kms_key" "k" {}
        resource "aws_kms_key_policy" "kp" {
          key_id = aws_kms_key.k.id
          policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "kms:*", Resource = "*",
                                              Principal = { AWS = "arn:aws:iam::1:root" } }] })
        }
        resource "aws_s3_account_public_access_block" "acct" {
          block_public_acls   = true
          block_public_policy = true
        }
        resource "aws_iam_policy" "p" {
          name   = "logs"
          policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "logs:*", Resource = "*" }] })
        }
        resource "aws_iam_role" "r" {
          name                = "r"
          assume_role_policy  = "{}"
          managed_policy_arns = [aws_iam_policy.p.arn]
          inline_policy {
            name   = "inline"
            policy = jsonencode({ Statement = [{ Effect = "Deny", NotAction = "s3:*", Resource = "*" }] })
          }
        }
    """})
    (key,) = model.kms_keys
    assert key.policy.span.line == 4
    assert key.policy.value.statements[0].principals == (
        Principal(kind="AWS", value="arn:aws:iam::1:root"),
    )
    (acct,) = model.account_public_access_blocks
    assert acct.settings.block_public_acls.value is True
    assert acct.settings.restrict_public_buckets.origin is Origin.DEFAULT
    (role,) = model.roles
    assert [s.effect for d in role.permission_policies for s in d.statements] == ["Deny", "Allow"]
    assert role.permissions_complete is True
    assert role.trust_policy.value.statements == ()
