"""What every record shares (records/record.py, resource.py) and the assembly of a unit
(records/build.py): Metadata, resource iteration, odd shapes."""

from __future__ import annotations

import json
from pathlib import Path

from cloudformation_template import load
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.parsers.cloudformation import load_cloudformation


def test_metadata_suppressions_and_cdk_label(tmp_path: Path) -> None:
    trail = load(
        tmp_path,
        """\
        Resources:
          Trail:
            Type: AWS::CloudTrail::Trail
            Metadata:
              aws:cdk:path: Audit/Trail/Resource
              trailscan:
                ignore:
                  - id: CT008
                    reason: validated by the org trail
                    until: 2027-03-31
              checkov:
                skip:
                  - id: CKV_AWS_35
                    comment: SSE-S3 is enough here
            Properties: {S3BucketName: b, IsLogging: true}
        """,
    ).trails[0]
    assert trail.label == "Audit/Trail/Resource"
    first, second = trail.suppressions
    assert (first.ids, first.reason, first.until, first.source) == (
        ("CT008",),
        "validated by the org trail",
        "2027-03-31",
        "trailscan",
    )
    assert first.span.line == 8
    assert (second.ids, second.reason, second.source) == (
        ("CKV_AWS_35",),
        "SSE-S3 is enough here",
        "checkov",
    )
    assert second.span.line == 13


def test_bare_id_and_id_list_suppressions(tmp_path: Path) -> None:
    trail = load(
        tmp_path,
        """\
        Resources:
          Trail:
            Type: AWS::CloudTrail::Trail
            Metadata:
              trailscan:
                ignore:
                  - CT008
                  - {ids: [CT001, CT002], reason: org trail}
                  - 42
            Properties: {S3BucketName: b, IsLogging: true}
        """,
    ).trails[0]
    assert [(s.ids, s.reason) for s in trail.suppressions] == [
        (("CT008",), ""),
        (("CT001", "CT002"), "org trail"),
    ]


def test_sam_resources_are_ignored_but_the_template_is_ours(tmp_path: Path) -> None:
    model = load(
        tmp_path,
        """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties: {Handler: x, Runtime: python3.12}
          Trail:
            Type: AWS::CloudTrail::Trail
            Properties: {S3BucketName: b, IsLogging: true}
        """,
    )
    assert [t.ref for t in model.trails] == ["Trail"]
    assert model.units[0].format == "cloudformation"


def test_problems_keep_the_loader_first_then_the_families_in_order(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(
        "Resources:\n"
        "  Untyped: {Properties: {}}\n"
        "  Rule:\n    Type: AWS::Events::Rule\n    Properties: {State: [x]}\n"
        "  Trail:\n    Type: AWS::CloudTrail::Trail\n"
        "    Properties: {S3BucketName: b, IsLogging: maybe}\n"
    )
    model = load_cloudformation(path, tmp_path)
    assert model is not None
    assert [p.span.line for p in model.problems] == [2, 8, 5]


KINDS_AND_PROPERTIES = {
    "AWS::CloudTrail::Trail": [
        "TrailName",
        "S3BucketName",
        "IsLogging",
        "KMSKeyId",
        "EventSelectors",
        "AdvancedEventSelectors",
    ],
    "AWS::S3::Bucket": [
        "BucketName",
        "AccessControl",
        "PublicAccessBlockConfiguration",
        "LifecycleConfiguration",
        "LoggingConfiguration",
        "ObjectLockConfiguration",
    ],
    "AWS::S3::BucketPolicy": ["Bucket", "PolicyDocument"],
    "AWS::KMS::Key": ["KeyPolicy", "EnableKeyRotation"],
    "AWS::KMS::Alias": ["AliasName", "TargetKeyId"],
    "AWS::Logs::MetricFilter": ["LogGroupName", "MetricTransformations"],
    "AWS::CloudWatch::Alarm": ["AlarmActions", "Metrics"],
    "AWS::SNS::Topic": ["Subscription"],
    "AWS::SNS::Subscription": ["TopicArn"],
    "AWS::Events::Rule": ["EventPattern", "Targets", "State"],
    "AWS::IAM::Role": ["RoleName", "Policies", "ManagedPolicyArns", "AssumeRolePolicyDocument"],
    "AWS::IAM::Policy": ["Roles", "PolicyDocument"],
    "AWS::IAM::RolePolicy": ["RoleName", "PolicyDocument"],
}


def test_odd_property_shapes_never_crash(tmp_path: Path) -> None:
    """Every property above set to each shape a careless template might hold."""
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.text(max_size=5),
        st.sampled_from(
            [
                {"Ref": "AWS::NoValue"},
                {"Fn::If": ["Nope", 1, 2]},
                {"Fn::GetAtt": "X"},
                {"Fn::Sub": ["${A}", []]},
                {"Ref": "T0"},
            ]
        ),
    )
    values = st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.dictionaries(
                st.sampled_from(["Type", "Status", "Rules", "Statement", "Field", "Arn"]),
                inner,
                max_size=3,
            ),
        ),
        max_leaves=8,
    )

    @settings(
        max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(st.data())
    def check(data: st.DataObject) -> None:
        resources = {}
        for index, (kind, props) in enumerate(sorted(KINDS_AND_PROPERTIES.items())):
            resources[f"T{index}"] = {
                "Type": kind,
                "Properties": {p: data.draw(values) for p in props},
            }
        path = tmp_path / "fuzz.json"
        path.write_text(json.dumps({"Resources": resources}))
        model = load_cloudformation(path, tmp_path)
        assert model is not None and len(model.trails) == 1

    check()
