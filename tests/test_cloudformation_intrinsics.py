"""Parameters, conditions and intrinsic functions as seen through the model."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from scanner.model import Model, Origin
from scanner.parsers.cloudformation import load_cloudformation
from scanner.parsers.cloudformation.decode import decode
from scanner.parsers.cloudformation.intrinsics import Resolver
from scanner.tri import Tri


def load(tmp_path: Path, text: str, name: str = "template.yaml", **kwargs: object) -> Model:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    model = load_cloudformation(path, tmp_path, **kwargs)  # type: ignore[arg-type]
    assert model is not None
    return model


TRAIL_WITH_PARAM = """\
    Parameters:
      Validate:
        Type: String
        Default: "false"
      Bucket:
        Type: String
    Resources:
      Trail:
        Type: AWS::CloudTrail::Trail
        Properties:
          IsLogging: true
          S3BucketName: !Ref Bucket
          EnableLogFileValidation: !Ref Validate
    """


def test_parameter_default_and_missing_value(tmp_path: Path) -> None:
    trail = load(tmp_path, TRAIL_WITH_PARAM).trails[0]
    assert trail.log_file_validation.value is False
    assert trail.log_file_validation.origin is Origin.EXPLICIT
    assert trail.s3_bucket_name.origin is Origin.UNKNOWN
    assert "parameter Bucket has no Default" in trail.s3_bucket_name.reason


def test_parameter_override_wins_over_default(tmp_path: Path) -> None:
    model = load(tmp_path, TRAIL_WITH_PARAM, parameters={"Validate": "true", "Bucket": "logs"})
    trail = model.trails[0]
    assert trail.log_file_validation.value is True
    assert trail.s3_bucket_name.value == "logs"


def test_parameter_file_list_shape(tmp_path: Path) -> None:
    params = tmp_path / "params.json"
    params.write_text(
        json.dumps(
            [
                {"ParameterKey": "Validate", "ParameterValue": "true"},
                {"ParameterKey": "Bucket", "ParameterValue": "from-file"},
            ]
        )
    )
    trail = load(tmp_path, TRAIL_WITH_PARAM, parameter_files=[params]).trails[0]
    assert trail.log_file_validation.value is True
    assert trail.s3_bucket_name.value == "from-file"


def test_parameter_file_mapping_shape_and_cli_precedence(tmp_path: Path) -> None:
    params = tmp_path / "params.json"
    params.write_text(json.dumps({"Parameters": {"Validate": "true", "Bucket": "file"}}))
    model = load(tmp_path, TRAIL_WITH_PARAM, parameter_files=[params], parameters={"Bucket": "cli"})
    assert model.trails[0].log_file_validation.value is True
    assert model.trails[0].s3_bucket_name.value == "cli"


def test_bad_parameter_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    params = tmp_path / "params.json"
    params.write_text('{"Parameters": ')
    model = load(tmp_path, TRAIL_WITH_PARAM, parameter_files=[params])
    assert [p.span.path for p in model.problems] == ["params.json"]
    assert len(model.trails) == 1


def test_ssm_parameter_and_import_value_are_unknown(tmp_path: Path) -> None:
    model = load(
        tmp_path,
        """\
        Parameters:
          KeyArn:
            Type: AWS::SSM::Parameter::Value<String>
            Default: /audit/key
        Resources:
          Trail:
            Type: AWS::CloudTrail::Trail
            Properties:
              IsLogging: true
              S3BucketName: !ImportValue shared-log-bucket
              KMSKeyId: !Ref KeyArn
        """,
    )
    trail = model.trails[0]
    assert trail.s3_bucket_name.origin is Origin.UNKNOWN
    assert "Fn::ImportValue 'shared-log-bucket'" in trail.s3_bucket_name.reason
    assert trail.kms_key_id.origin is Origin.UNKNOWN
    assert "SSM Parameter Store" in trail.kms_key_id.reason


CONDITIONS = """\
    Parameters:
      Env:
        Type: String
        Default: prod
      Region2:
        Type: String
    Conditions:
      IsProd: !Equals [!Ref Env, prod]
      IsDev: !Not [!Condition IsProd]
      Unknowable: !Equals [!Ref Region2, eu-west-1]
      ProdOrUnknown: !Or [!Condition IsProd, !Condition Unknowable]
      ProdAndUnknown: !And [!Condition IsProd, !Condition Unknowable]
    Resources:
      ProdTrail:
        Type: AWS::CloudTrail::Trail
        Condition: IsProd
        Properties:
          IsLogging: true
          S3BucketName: b
          IsMultiRegionTrail: !If [ProdOrUnknown, true, false]
          EnableLogFileValidation: !If [ProdAndUnknown, true, false]
      DevTrail:
        Type: AWS::CloudTrail::Trail
        Condition: IsDev
        Properties:
          IsLogging: true
          S3BucketName: b
    """


def test_conditions_known_and_unknown(tmp_path: Path) -> None:
    model = load(tmp_path, CONDITIONS)
    assert [t.ref for t in model.trails] == ["ProdTrail"]  # DevTrail does not exist
    trail = model.trails[0]
    assert trail.is_multi_region.value is True  # Or with a true operand is true
    assert trail.log_file_validation.origin is Origin.UNKNOWN
    assert "condition ProdAndUnknown" in trail.log_file_validation.reason


KLEENE = """\
    Parameters:
      Unset: {Type: String}
    Conditions:
      Yes: !Equals [a, a]
      No: !Equals [a, b]
      Maybe: !Equals [!Ref Unset, a]
      NotMaybe: !Not [!Condition Maybe]
      NoAndMaybe: !And [!Condition No, !Condition Maybe]
      YesAndMaybe: !And [!Condition Yes, !Condition Maybe]
      YesOrMaybe: !Or [!Condition Maybe, !Condition Yes]
      NoOrMaybe: !Or [!Condition No, !Condition Maybe]
      SelfLoop: !Not [!Condition SelfLoop]
    Resources: {}
    """


@pytest.mark.parametrize(
    ("name", "truth"),
    [
        ("Yes", True),
        ("No", False),
        ("Maybe", None),
        ("NotMaybe", None),
        ("NoAndMaybe", False),  # a false operand decides an And
        ("YesAndMaybe", None),
        ("YesOrMaybe", True),  # a true operand decides an Or
        ("NoOrMaybe", None),
        ("SelfLoop", None),
        ("Undeclared", None),
    ],
)
def test_conditions_are_three_valued(name: str, truth: Tri) -> None:
    resolver = Resolver(path="t.yaml", template=decode(textwrap.dedent(KLEENE)))
    assert resolver.condition(name) is truth


def test_condition_switched_by_parameter(tmp_path: Path) -> None:
    model = load(tmp_path, CONDITIONS, parameters={"Env": "dev"})
    assert [t.ref for t in model.trails] == ["DevTrail"]


def test_if_with_novalue_gives_the_default(tmp_path: Path) -> None:
    model = load(
        tmp_path,
        """\
        Conditions:
          Never: !Equals [a, b]
        Resources:
          Trail:
            Type: AWS::CloudTrail::Trail
            Properties:
              IsLogging: true
              S3BucketName: b
              KMSKeyId: !If [Never, alias/k, !Ref AWS::NoValue]
              IncludeGlobalServiceEvents: !If [Never, false, !Ref AWS::NoValue]
        """,
    )
    trail = model.trails[0]
    assert trail.kms_key_id.origin is Origin.DEFAULT and trail.kms_key_id.value is None
    assert trail.include_global_service_events.origin is Origin.DEFAULT
    assert trail.include_global_service_events.value is True
    assert trail.include_global_service_events.span.line == 4  # the logical id


def test_sub_join_select_split_findinmap(tmp_path: Path) -> None:
    model = load(
        tmp_path,
        """\
        Parameters:
          Names:
            Type: CommaDelimitedList
            Default: "alpha,beta"
        Mappings:
          Env:
            prod:
              Prefix: audit
        Resources:
          A:
            Type: AWS::S3::Bucket
            Properties:
              BucketName: !Sub
                - "${Pre}-${AWS::Region}-${!Literal}"
                - Pre: !FindInMap [Env, prod, Prefix]
          B:
            Type: AWS::S3::Bucket
            Properties:
              BucketName: !Join ["-", [!Select [1, !Ref Names], !Select [0, !Split [".", "x.y"]]]]
          C:
            Type: AWS::S3::Bucket
            Properties:
              BucketName: !FindInMap [Env, dev, Prefix]
        """,
    )
    names = {b.ref: b.name for b in model.buckets}
    assert names["A"].value == "audit-${AWS::Region}-${Literal}"
    assert names["B"].value == "beta-x"
    assert names["C"].origin is Origin.UNKNOWN and "Fn::FindInMap" in names["C"].reason


def test_bucket_policy_resource_with_pseudo_parameters(tmp_path: Path) -> None:
    model = load(
        tmp_path,
        """\
        Resources:
          Bucket:
            Type: AWS::S3::Bucket
          Policy:
            Type: AWS::S3::BucketPolicy
            Properties:
              Bucket: !Ref Bucket
              PolicyDocument:
                Statement:
                  - Effect: Allow
                    Principal: {Service: cloudtrail.amazonaws.com}
                    Action: s3:GetBucketAcl
                    Resource: !GetAtt Bucket.Arn
                  - Effect: Allow
                    Principal: {Service: cloudtrail.amazonaws.com}
                    Action: s3:PutObject
                    Resource: !Sub arn:${AWS::Partition}:s3:::${Bucket}/AWSLogs/${AWS::AccountId}/*
        """,
    )
    bucket = model.buckets[0]
    assert bucket.name.value == "${Bucket}" and bucket.policy_ref == "Policy"
    doc = bucket.policy.value
    assert doc is not None and bucket.policy.origin is Origin.EXPLICIT
    first, second = doc.statements
    assert first.resources == ("arn:aws:s3:::${Bucket}",)
    assert second.resources == ("arn:aws:s3:::${Bucket}/AWSLogs/${AWS::AccountId}/*",)
    assert (first.span.line, second.span.line) == (10, 14)
    assert first.principals is not None and first.principals[0].value == "cloudtrail.amazonaws.com"


def test_getatt_and_ref_conventions(tmp_path: Path) -> None:
    model = load(
        tmp_path,
        """\
        Resources:
          Key:
            Type: AWS::KMS::Key
          Group:
            Type: AWS::Logs::LogGroup
            Properties:
              LogGroupName: audit
          Topic:
            Type: AWS::SNS::Topic
          Role:
            Type: AWS::IAM::Role
            Properties:
              RoleName: ct-logs
              Path: /service/
          Trail:
            Type: AWS::CloudTrail::Trail
            Properties:
              IsLogging: true
              S3BucketName: b
              KMSKeyId: !GetAtt Key.Arn
              CloudWatchLogsLogGroupArn: !GetAtt Group.Arn
              CloudWatchLogsRoleArn: !GetAtt Role.Arn
              SnsTopicName: !GetAtt Topic.TopicName
          Alarm:
            Type: AWS::CloudWatch::Alarm
            Properties:
              AlarmActions: [!Ref Topic]
        """,
    )
    trail = model.trails[0]
    assert trail.kms_key_id.value == "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/${Key}"
    assert trail.cloud_watch_logs_group_arn.value == (
        "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:audit:*"
    )
    assert (
        trail.cloud_watch_logs_role_arn.value
        == "arn:aws:iam::${AWS::AccountId}:role/service/ct-logs"
    )
    assert trail.sns_topic_name.value == "${Topic}"
    assert model.alarms[0].actions.value == (
        "arn:aws:sns:${AWS::Region}:${AWS::AccountId}:${Topic}",
    )
    assert model.log_groups[0].arn.value == (
        "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:audit"
    )


def test_deploy_time_functions_name_themselves(tmp_path: Path) -> None:
    model = load(
        tmp_path,
        """\
        Resources:
          A:
            Type: AWS::S3::Bucket
            Properties:
              BucketName: !Select [0, !GetAZs ""]
          B:
            Type: AWS::S3::Bucket
            Properties:
              BucketName: !Transform {Name: Upper, Parameters: {}}
        """,
    )
    reasons = {b.ref: b.name.reason for b in model.buckets}
    assert "Fn::GetAZs" in reasons["A"] and "Fn::Transform" in reasons["B"]


def test_depends_on_explicit_and_implicit(tmp_path: Path) -> None:
    model = load(
        tmp_path,
        """\
        Resources:
          Bucket:
            Type: AWS::S3::Bucket
          Policy:
            Type: AWS::S3::BucketPolicy
            Properties:
              Bucket: !Ref Bucket
              PolicyDocument: {Statement: []}
          Key:
            Type: AWS::KMS::Key
          Trail:
            Type: AWS::CloudTrail::Trail
            DependsOn: Policy
            Properties:
              IsLogging: true
              S3BucketName: !Sub "${Bucket}"
              KMSKeyId: !GetAtt [Key, Arn]
        """,
    )
    assert model.trails[0].depends_on == ("Bucket", "Key", "Policy")


def test_self_references_are_unknown_not_infinite(tmp_path: Path) -> None:
    model = load(
        tmp_path,
        """\
        Parameters:
          Loop:
            Type: String
            Default: !Ref Loop
        Conditions:
          Again: !Condition Again
        Resources:
          B:
            Type: AWS::S3::Bucket
            Properties:
              BucketName: !Sub "${B}-x"
          C:
            Type: AWS::S3::Bucket
            Properties:
              BucketName: !If [Again, !Ref Loop, !Ref Loop]
        """,
    )
    names = {b.ref: b.name for b in model.buckets}
    assert names["B"].origin is Origin.UNKNOWN and "refers to itself" in names["B"].reason
    assert names["C"].origin is Origin.UNKNOWN


def test_nested_stack_outputs_resolve_through_getatt(tmp_path: Path) -> None:
    (tmp_path / "child.yaml").write_text(
        "Resources:\n  Key:\n    Type: AWS::KMS::Key\n"
        "Outputs:\n  KeyArn:\n    Value: !GetAtt Key.Arn\n"
    )
    model = load(
        tmp_path,
        """\
        Resources:
          Keys:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: ./child.yaml}
          Trail:
            Type: AWS::CloudTrail::Trail
            Properties:
              IsLogging: true
              S3BucketName: b
              KMSKeyId: !GetAtt Keys.Outputs.KeyArn
        """,
    )
    assert model.trails[0].kms_key_id.value == model.kms_keys[0].arn.value
    assert model.kms_keys[0].ref == "Keys.Key"
    assert model.kms_keys[0].arn.value.endswith(":key/${Keys.Key}")
    assert model.trails[0].depends_on == ("Keys",)
