"""How a value keeps the record it names (``Attr.target``), whether it is certainly set
(``Attr.nonempty``) and its symbolic form, through both front ends; how links follow the
target within a unit; and how records of different units stay apart."""

from __future__ import annotations

import textwrap
from pathlib import Path

from terraform.tf_inline import load

from policies.ct005_global_events_once import global_events_once
from scanner.analysis import iam, links
from scanner.model import (
    Attr,
    Bucket,
    Model,
    Origin,
    PolicyDocument,
    Principal,
    Span,
    Statement,
    Trail,
    Unit,
)
from scanner.parsers.cloudformation import load_cloudformation
from scanner.parsers.common import UnknownValue

SP = Span(path="main.tf", line=1)


def cfn(tmp_path: Path, text: str, name: str = "template.yaml") -> Model:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    model = load_cloudformation(path, tmp_path)
    assert model is not None
    return model


# ---------------------------------------------------------------------------
# Terraform
# ---------------------------------------------------------------------------

TF_RESOURCES = """
variable "name" {}
variable "prefix" {}
data "aws_partition" "p" {}
data "aws_region" "r" {}
data "aws_caller_identity" "me" {}
resource "random_id" "x" { byte_length = 4 }
resource "aws_s3_bucket" "b" { bucket = var.name }
resource "aws_s3_bucket" "counted" {
  count  = 1
  bucket = var.name
}
resource "aws_cloudwatch_log_group" "g" { name = var.name }
resource "aws_iam_role" "r" { name = "${var.prefix}-role" }
resource "aws_kms_key" "k" {}
resource "aws_kms_alias" "a" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.k.key_id
}
data "aws_s3_bucket" "looked_up" { bucket = aws_s3_bucket.b.id }
"""


def tf_trail(tmp_path: Path, **attrs: str) -> Trail:
    body = "\n".join(f"  {k} = {v}" for k, v in attrs.items())
    model = load(tmp_path, {"main.tf": TF_RESOURCES + f'resource "aws_cloudtrail" "t" {{\n{body}\n}}\n'})
    assert not model.problems, model.problems
    return model.trails[0]


def test_terraform_reference_to_a_resource_names_it_whatever_its_name(tmp_path: Path) -> None:
    trail = tf_trail(
        tmp_path,
        s3_bucket_name="aws_s3_bucket.b.id",
        cloud_watch_logs_group_arn='"${aws_cloudwatch_log_group.g.arn}:*"',
        cloud_watch_logs_role_arn="aws_iam_role.r.arn",
        kms_key_id="aws_kms_alias.a.arn",
        sns_topic_name='"${var.prefix}-sns-${random_id.x.hex}"',
    )
    assert trail.s3_bucket_name.target == "aws_s3_bucket.b"
    assert trail.cloud_watch_logs_group_arn.target == "aws_cloudwatch_log_group.g"
    assert trail.cloud_watch_logs_role_arn.target == "aws_iam_role.r"
    # an alias stands for the key it targets
    assert trail.kms_key_id.target == "aws_kms_key.k"
    # only the names are unknown: the value is symbolic, with the resource's token
    assert trail.s3_bucket_name.value == "${aws_s3_bucket.b}"
    assert trail.cloud_watch_logs_group_arn.value == (
        "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:${aws_cloudwatch_log_group.g}:*"
    )
    assert trail.cloud_watch_logs_role_arn.value == "arn:aws:iam::${AWS::AccountId}:role/${aws_iam_role.r}"
    # the alias name is unknown and not the key's: unknown, but certainly set
    assert trail.kms_key_id.origin is Origin.UNKNOWN and trail.kms_key_id.is_set() is True
    # no record, partly unknown, certainly not empty
    sns = trail.sns_topic_name
    assert sns.origin is Origin.UNKNOWN and sns.nonempty and sns.is_set() is True and not sns.target


def test_terraform_targets_through_count_one_try_format_locals_and_lookups(tmp_path: Path) -> None:
    extra = """
    locals { bucket = aws_s3_bucket.counted[0].id }
    """
    model = load(tmp_path, {"main.tf": TF_RESOURCES + extra + """
resource "aws_cloudtrail" "a" { s3_bucket_name = local.bucket }
resource "aws_cloudtrail" "b" { s3_bucket_name = one(aws_s3_bucket.counted[*].id) }
resource "aws_cloudtrail" "c" { s3_bucket_name = try(aws_s3_bucket.counted[0].id, "") }
resource "aws_cloudtrail" "d" {
  s3_bucket_name             = data.aws_s3_bucket.looked_up.id
  cloud_watch_logs_group_arn = format("%s:*", aws_cloudwatch_log_group.g.arn)
}
resource "aws_cloudtrail" "e" {
  s3_bucket_name             = lower(aws_s3_bucket.b.id)
  cloud_watch_logs_group_arn = "arn:${data.aws_partition.p.partition}:logs:${data.aws_region.r.name}:${data.aws_caller_identity.me.account_id}:log-group:${aws_cloudwatch_log_group.g.name}:*"
}
resource "aws_cloudtrail" "f" { s3_bucket_name = "${var.prefix}-${aws_s3_bucket.b.id}" }
"""})
    trails = {t.ref: t for t in model.trails}
    for ref in ("aws_cloudtrail.a", "aws_cloudtrail.b", "aws_cloudtrail.c"):
        assert trails[ref].s3_bucket_name.target == "aws_s3_bucket.counted[0]", ref
    assert trails["aws_cloudtrail.d"].s3_bucket_name.target == "aws_s3_bucket.b"
    assert trails["aws_cloudtrail.d"].cloud_watch_logs_group_arn.target == "aws_cloudwatch_log_group.g"
    assert trails["aws_cloudtrail.e"].cloud_watch_logs_group_arn.target == "aws_cloudwatch_log_group.g"
    # a function that makes a new string, or a second unknown part: the name is another one
    assert trails["aws_cloudtrail.e"].s3_bucket_name.target == ""
    assert trails["aws_cloudtrail.f"].s3_bucket_name.target == ""
    assert trails["aws_cloudtrail.f"].s3_bucket_name.is_set() is True


def test_terraform_module_output_carries_the_module_qualified_ref(tmp_path: Path) -> None:
    model = load(tmp_path, {
        "main.tf": """
            variable "name" {}
            module "logs" {
              source = "./logs"
              name   = var.name
            }
            resource "aws_cloudtrail" "t" { s3_bucket_name = module.logs.bucket }
        """,
        "logs/main.tf": """
            variable "name" {}
            resource "aws_s3_bucket" "this" { bucket = var.name }
            output "bucket" { value = aws_s3_bucket.this.id }
        """,
    })
    (trail,) = model.trails
    assert trail.s3_bucket_name.target == "module.logs.aws_s3_bucket.this"
    assert links.bucket_of(model, trail).record is model.buckets[0]


def test_terraform_split_resources_attach_by_reference_and_unresolved_ones_are_unknown(
    tmp_path: Path,
) -> None:
    model = load(tmp_path, {"main.tf": """
        variable "name" {}
        variable "other" {}
        resource "aws_s3_bucket" "b" { bucket = var.name }
        resource "aws_s3_bucket_versioning" "b" {
          bucket = aws_s3_bucket.b.id
          versioning_configuration { status = "Enabled" }
        }
        resource "aws_s3_bucket_policy" "somewhere" {
          bucket = var.other
          policy = "{}"
        }
    """})
    (bucket,) = model.buckets
    assert bucket.versioning.value == "Enabled"
    # a policy whose bucket cannot be told may be this bucket's: never "no policy"
    assert bucket.policy.origin is Origin.UNKNOWN
    assert "aws_s3_bucket_policy.somewhere" in bucket.policy.reason


def test_terraform_policy_attachment_roles_count_for_the_role(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        variable "name" {}
        resource "aws_iam_role" "r" {
          name               = var.name
          assume_role_policy = "{}"
        }
        resource "aws_iam_policy" "p" {
          name   = "write-logs"
          policy = jsonencode({
            Version = "2012-10-17"
            Statement = [{ Effect = "Allow", Action = "logs:*", Resource = "*" }]
          })
        }
        resource "aws_iam_policy_attachment" "a" {
          name       = "a"
          roles      = [aws_iam_role.r.name]
          policy_arn = aws_iam_policy.p.arn
        }
    """})
    (role,) = model.roles
    assert role.permissions_complete
    assert [s.actions for d in role.permission_policies for s in d.statements] == [("logs:*",)]


def test_terraform_dependencies_follow_module_inputs_and_outputs(tmp_path: Path) -> None:
    model = load(tmp_path, {
        "main.tf": """
            resource "aws_s3_bucket" "b" { bucket = "logs" }
            resource "aws_s3_bucket_policy" "b" {
              bucket = aws_s3_bucket.b.id
              policy = "{}"
            }
            module "trail" {
              source     = "./trail"
              bucket     = aws_s3_bucket.b.id
              depends_on_policy = [aws_s3_bucket_policy.b]
            }
            module "store" { source = "./store" }
            resource "aws_cloudtrail" "root" { s3_bucket_name = module.store.name }
        """,
        "trail/main.tf": """
            variable "bucket" {}
            variable "depends_on_policy" {}
            resource "aws_cloudtrail" "t" {
              s3_bucket_name = var.bucket
              depends_on     = [var.depends_on_policy]
            }
        """,
        "store/main.tf": """
            resource "aws_s3_bucket" "s" { bucket = "store" }
            resource "aws_s3_bucket_policy" "s" {
              bucket = aws_s3_bucket.s.id
              policy = "{}"
            }
            output "name" { value = aws_s3_bucket.s.id }
        """,
    })
    trails = {t.ref: t for t in model.trails}
    # var.x depends on what the caller's argument refers to, depends_on = [var.x] too
    assert set(trails["module.trail.aws_cloudtrail.t"].depends_on) == {
        "aws_s3_bucket.b", "aws_s3_bucket_policy.b"
    }
    # a module output: only what the output refers to, not the module's policy
    assert trails["aws_cloudtrail.root"].depends_on == ("module.store.aws_s3_bucket.s",)


# ---------------------------------------------------------------------------
# CloudFormation
# ---------------------------------------------------------------------------

CFN = """\
Parameters:
  Name:
    Type: String
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Ref Name
  Group:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub "${Name}-trail"
  Key:
    Type: AWS::KMS::Key
  Alias:
    Type: AWS::KMS::Alias
    Properties:
      AliasName: !Sub "alias/${Name}"
      TargetKeyId: !Ref Key
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: true
      S3BucketName: !Join ["", [!Ref Bucket]]
      CloudWatchLogsLogGroupArn: !Sub "${Group.Arn}"
      KMSKeyId: !Ref Alias
      SnsTopicName: !Join ["-", [!Ref Name, notify]]
  ArnTrail:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: true
      S3BucketName: !Sub "arn:aws:s3:::${Bucket}"
"""


def test_cloudformation_ref_getatt_sub_join_name_the_resource(tmp_path: Path) -> None:
    model = cfn(tmp_path, CFN)
    trails = {t.ref: t for t in model.trails}
    trail = trails["Trail"]
    assert trail.s3_bucket_name.target == "Bucket" and trail.s3_bucket_name.value == "${Bucket}"
    assert trail.cloud_watch_logs_group_arn.target == "Group"
    assert trail.cloud_watch_logs_group_arn.value == (
        "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Group}:*"
    )
    assert trail.kms_key_id.target == "Key" and trail.kms_key_id.is_set() is True
    assert trail.sns_topic_name.is_set() is True and not trail.sns_topic_name.known
    assert trails["ArnTrail"].s3_bucket_name.target == "Bucket"
    for t in model.trails:
        assert links.bucket_of(model, t).record is model.buckets[0]


def test_cloudformation_nested_stack_output_names_the_nested_record(tmp_path: Path) -> None:
    (tmp_path / "logs.yaml").write_text(textwrap.dedent("""\
        Parameters:
          Name:
            Type: String
        Resources:
          Group:
            Type: AWS::Logs::LogGroup
            Properties:
              LogGroupName: !Ref Name
        Outputs:
          Arn:
            Value: !GetAtt Group.Arn
        """))
    model = cfn(tmp_path, """\
        Parameters:
          Name:
            Type: String
        Resources:
          Logs:
            Type: AWS::CloudFormation::Stack
            Properties:
              TemplateURL: ./logs.yaml
              Parameters:
                Name: !Ref Name
          Trail:
            Type: AWS::CloudTrail::Trail
            Properties:
              IsLogging: true
              S3BucketName: logs
              CloudWatchLogsLogGroupArn: !GetAtt Logs.Outputs.Arn
        """)
    (trail,) = model.trails
    assert trail.cloud_watch_logs_group_arn.target == "Logs.Group"
    assert links.log_group_of(model, trail).record is model.log_groups[0]


# ---------------------------------------------------------------------------
# Links and units
# ---------------------------------------------------------------------------


def _trail(ref: str, unit: str, bucket: Attr[str]) -> Trail:
    base = {name: Attr.default(None, SP) for name in Trail.__dataclass_fields__
            if name not in ("ref", "span", "unit", "kind", "label", "suppressions", "depends_on",
                            "shared_ref")}
    base.update(s3_bucket_name=bucket, enable_logging=Attr.default(True, SP),
                include_global_service_events=Attr.default(True, SP),
                event_selectors=Attr.default((), SP), advanced_event_selectors=Attr.default((), SP))
    return Trail(ref=ref, span=SP, unit=unit, **base)


def _bucket(ref: str, unit: str, name: str | None) -> Bucket:
    base = {name: Attr.default(None, SP) for name in Bucket.__dataclass_fields__
            if name not in ("ref", "span", "unit", "kind", "label", "suppressions", "depends_on",
                            "shared_ref", "policy_ref", "acl_grantees")}
    named = Attr.explicit(name, SP) if name else Attr.unknown(SP, "var.name has no default")
    return Bucket(ref=ref, span=SP, unit=unit, **{**base, "name": named})


def _units(*ids: str) -> tuple[Unit, ...]:
    return tuple(Unit(id=i, format="terraform", files=(f"{i}/main.tf",)) for i in ids)


def test_links_follow_the_target_in_the_unit_and_literal_names_across_units() -> None:
    by_ref = Attr(value=None, origin=Origin.UNKNOWN, span=SP, reason="var.name", target="aws_s3_bucket.b",
                  nonempty=True)
    parts = [
        Model(units=_units("prod"), buckets=(_bucket("aws_s3_bucket.b", "prod", None),),
              trails=(_trail("aws_cloudtrail.t", "prod", by_ref),)),
        Model(units=_units("staging"), buckets=(_bucket("aws_s3_bucket.b", "staging", "central"),),
              trails=(_trail("aws_cloudtrail.t", "staging", by_ref),)),
        Model(units=_units("other"), trails=(
            _trail("aws_cloudtrail.literal", "other", Attr.explicit("central", SP)),
            _trail("aws_cloudtrail.token", "other", Attr.explicit("${aws_s3_bucket.b}", SP)),
        )),
    ]
    model = Model.merge(parts)
    prod, staging, literal, token = model.trails
    assert links.bucket_of(model, prod).record is model.buckets[0]
    assert links.bucket_of(model, staging).record is model.buckets[1]
    # a literal name written in another unit: matched by value
    assert links.bucket_of(model, literal).record is model.buckets[1]
    # a unit token never names a record of another unit
    assert links.bucket_of(model, token).status is links.LinkStatus.EXTERNAL


def test_merge_qualifies_only_shared_refs_and_ct005_never_says_x_duplicates_x() -> None:
    unknown = Attr.unknown(SP, "unused")
    parts = [
        Model(units=_units(u), trails=(_trail("aws_cloudtrail.t", u, unknown),)) for u in ("a", "b")
    ] + [Model(units=_units("c"), trails=(_trail("aws_cloudtrail.solo", "c", unknown),))]
    model = Model.merge(parts)
    assert [t.subject for t in model.trails] == [
        "aws_cloudtrail.t (a)", "aws_cloudtrail.t (b)", "aws_cloudtrail.solo"
    ]
    fails = [o for o in global_events_once(model) if hasattr(o, "message")]
    assert fails
    for fail in fails:
        duplicated = fail.message.split(" duplicates ", 1)[1]
        assert fail.subject not in duplicated.split(":")[0]
        assert fail.subject not in {r.ref for r in fail.related}


def test_ct005_names_a_few_trails_and_says_how_many_more() -> None:
    unknown = Attr.unknown(SP, "unused")
    model = Model(trails=tuple(_trail(f"aws_cloudtrail.t{i:02d}", ".", unknown) for i in range(40)))
    fails = [o for o in global_events_once(model) if hasattr(o, "message")]
    assert len(fails) == 39
    for fail in fails:
        assert "and 35 more" in fail.message
        assert len(fail.related) <= 5


def test_unknown_value_carrier_defaults() -> None:
    assert UnknownValue("why") == UnknownValue("why", "", False, "")


def test_iam_a_partly_unknown_resource_list_decides_nothing_when_its_known_items_miss() -> None:
    def doc(**fields: object) -> PolicyDocument:
        statement = Statement(
            effect="Allow", principals=(Principal(kind="Service", value="cloudtrail.amazonaws.com"),),
            actions=("s3:GetBucketAcl",), span=SP, **fields,  # type: ignore[arg-type]
        )
        return PolicyDocument(statements=(statement,), span=SP)

    request = iam.Request(principal_service="cloudtrail.amazonaws.com", action="s3:GetBucketAcl",
                          resource="arn:aws:s3:::logs", context={})
    # [other, <unknown>]: the unknown item may be this bucket
    assert iam.evaluate(doc(resources=("arn:aws:s3:::other",), unknown=("Resource",)), request).allowed is None
    # fully known and missing: not allowed
    assert iam.evaluate(doc(resources=("arn:aws:s3:::other",)), request).allowed is False
    # NotResource [other, <unknown>]: the unknown item may exclude it
    assert iam.evaluate(
        doc(not_resources=("arn:aws:s3:::other",), unknown=("NotResource",)), request
    ).allowed is None
