"""instance.py: references to resources, data sources and modules, the attributes the
provider computes, local module calls, and count/for_each expansion."""

from __future__ import annotations

from pathlib import Path

from tf_inline import INNER, load, one_trail, trail_named, write

from scanner.limits import Limits
from scanner.model import Origin

# ---------------------------------------------------------------------------
# References and computed attributes
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


# ---------------------------------------------------------------------------
# Modules
# ---------------------------------------------------------------------------


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
        "module source terraform-aws-modules/cloudtrail/aws is not installed: "
        "run `terraform init -backend=false` to let trailscan read it"
    )
    # A local source that does not exist is also a problem the user must see (CT901).
    model = load(tmp_path / "missing", {"main.tf": (
        'module "missing" {\n  source = "./nope"\n}\n'
        'resource "aws_cloudtrail" "t" {\n  s3_bucket_name = module.missing.bucket\n}\n'
    )})
    assert model.trails[0].s3_bucket_name.reason == "module source ./nope does not exist"
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


# ---------------------------------------------------------------------------
# count and for_each
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


def test_count_limit(tmp_path: Path) -> None:
    """More instances than max_instances: a CT901 at count, and the resource is checked
    once with count.index UNKNOWN (not the first few, as if they were all there is)."""
    model = load(tmp_path, {"main.tf": 'resource "aws_s3_bucket" "b" {\n  count = 5\n'
                                       '  bucket = "b-${count.index}"\n}\n'},
                 limits=Limits(max_instances=3))
    (bucket,) = model.buckets
    assert bucket.ref == "aws_s3_bucket.b"
    assert bucket.name.origin is Origin.UNKNOWN and "max_instances" in bucket.name.reason
    (problem,) = model.problems
    assert problem.span.line == 2
    assert problem.message == ("aws_s3_bucket.b: count 5 exceeds max_instances 3 (raise it in "
                               "[tool.trailscan.limits]); checked once, with count.index UNKNOWN")


def test_module_fan_out_refused_whole_at_the_call(tmp_path: Path) -> None:
    """modules x count: each call is charged whole before any instance is made. The first
    calls fit; the one that does not is a CT901 at its header, its value is one UNKNOWN
    (no per-instance entry is made for it), and every later call is refused the same way."""
    model = load(tmp_path, {
        "main.tf": 'module "m" {\n  source = "./m1"\n  count  = 3\n}\n'
                   'resource "aws_cloudtrail" "t" {\n  name = "t"\n'
                   '  s3_bucket_name = module.m[2].names == null ? "x" : "y"\n}\n',
        "m1/main.tf": 'module "n" {\n  source = "../m2"\n  count  = 3\n}\n'
                      'output "names" {\n  value = module.n\n}\n',
        "m2/main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n',
    }, limits=Limits(max_unit_instances=12))
    # root: 2 blocks; module.m: 3 x 1 = 3; module.m[0].module.n: 3 x (1 + 1) = 6 -> 11;
    # module.m[1].module.n would make 17 > 12, so it and module.m[2].module.n are refused.
    assert sorted(b.ref for b in model.buckets) == [
        f"module.m[0].module.n[{i}].aws_s3_bucket.b" for i in range(3)
    ]
    (problem,) = {(p.span.path, p.span.line, p.message) for p in model.problems}
    assert problem[:2] == ("stack/m1/main.tf", 1)
    assert "module.m.module.n would bring the unit to more than 12 instances" in problem[2]
    (trail,) = model.trails
    assert trail.s3_bucket_name.origin is Origin.UNKNOWN  # module.m[2].names: refused
    assert "max_unit_instances" in trail.s3_bucket_name.reason
