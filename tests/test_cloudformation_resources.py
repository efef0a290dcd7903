"""Each supported resource type → its model record, with origins and spans."""

from __future__ import annotations

import textwrap
from pathlib import Path

from scanner.model import Model, Origin
from scanner.parsers.cloudformation import load_cloudformation


def load(tmp_path: Path, text: str, name: str = "template.yaml") -> Model:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    model = load_cloudformation(path, tmp_path)
    assert model is not None
    assert model.problems == ()
    return model


FULL_TRAIL = """\
    Resources:
      Trail:
        Type: AWS::CloudTrail::Trail
        Properties:
          TrailName: org-trail
          S3BucketName: logs
          S3KeyPrefix: ct
          IsMultiRegionTrail: true
          IncludeGlobalServiceEvents: false
          IsLogging: "true"
          EnableLogFileValidation: true
          KMSKeyId: alias/ct
          CloudWatchLogsLogGroupArn: arn:aws:logs:us-east-1:1:log-group:g:*
          CloudWatchLogsRoleArn: arn:aws:iam::1:role/r
          SnsTopicName: t
          IsOrganizationTrail: true
          EventSelectors:
            - ReadWriteType: WriteOnly
              IncludeManagementEvents: false
              ExcludeManagementEventSources: [kms.amazonaws.com]
              DataResources:
                - Type: AWS::S3::Object
                  Values: ["arn:aws:s3"]
          AdvancedEventSelectors:
            - Name: s3
              FieldSelectors:
                - Field: eventCategory
                  Equals: [Data]
                - Field: resources.ARN
                  StartsWith: ["arn:aws:s3:::b/"]
                  NotEndsWith: [".tmp"]
    """


def test_trail_explicit_properties_and_spans(tmp_path: Path) -> None:
    trail = load(tmp_path, FULL_TRAIL).trails[0]
    assert trail.ref == "Trail" and trail.kind == "AWS::CloudTrail::Trail"
    assert trail.span.line == 2
    assert trail.name.value == "org-trail" and trail.name.span.line == 5
    assert trail.s3_key_prefix.value == "ct"
    assert trail.is_multi_region.value is True and trail.is_multi_region.span.line == 8
    assert trail.include_global_service_events.value is False
    assert trail.enable_logging.value is True  # the string "true" is a boolean in CFN
    assert trail.kms_key_id.value == "alias/ct" and trail.kms_key_id.span.line == 12
    assert trail.is_organization_trail.value is True
    (selector,) = trail.event_selectors.value or ()
    assert selector.read_write_type.value == "WriteOnly"
    assert selector.include_management_events.value is False
    assert selector.exclude_management_event_sources == ("kms.amazonaws.com",)
    assert selector.data_resources[0].type == "AWS::S3::Object"
    assert selector.data_resources[0].values == ("arn:aws:s3",)
    assert selector.span.line == 18
    (advanced,) = trail.advanced_event_selectors.value or ()
    assert advanced.name == "s3" and advanced.unknown == ""
    assert advanced.field_selectors[0].equals == ("Data",)
    assert advanced.field_selectors[1].starts_with == ("arn:aws:s3:::b/",)
    assert advanced.field_selectors[1].not_ends_with == (".tmp",)


def test_trail_defaults_from_the_cloudformation_docs(tmp_path: Path) -> None:
    trail = load(
        tmp_path,
        """\
        Resources:
          Trail:
            Type: AWS::CloudTrail::Trail
            Properties:
              S3BucketName: logs
              KmsKeyId: alias/misspelt
        """,
    ).trails[0]
    for attr, value in (
        (trail.is_multi_region, False),
        (trail.include_global_service_events, True),
        (trail.log_file_validation, False),
        (trail.is_organization_trail, False),
        (trail.kms_key_id, None),  # KmsKeyId is not the property: KMSKeyId is
        (trail.s3_key_prefix, None),
        (trail.event_selectors, ()),
        (trail.advanced_event_selectors, ()),
    ):
        assert attr.origin is Origin.DEFAULT and attr.value == value
        assert attr.span.line == 2
    assert trail.enable_logging.origin is Origin.UNKNOWN
    assert "IsLogging is required" in trail.enable_logging.reason
    assert trail.name.value == "${Trail}"


def test_ill_typed_boolean_is_unknown_not_false(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(
        "Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n"
        "    Properties: {S3BucketName: b, IsLogging: true, IsMultiRegionTrail: maybe}\n"
    )
    model = load_cloudformation(path, tmp_path)
    assert model is not None
    assert model.trails[0].is_multi_region.origin is Origin.UNKNOWN
    # CloudFormation rejects the template: the user is told where (CT901).
    assert [(p.span.line, p.message) for p in model.problems] == [
        (4, "IsMultiRegionTrail must be a boolean, not 'maybe' (CloudFormation rejects this template)")
    ]


def test_bucket_mapping(tmp_path: Path) -> None:
    bucket = load(
        tmp_path,
        """\
        Resources:
          Logs:
            Type: AWS::S3::Bucket
            Properties:
              BucketName: audit-logs
              AccessControl: PublicRead
              PublicAccessBlockConfiguration:
                BlockPublicAcls: true
                RestrictPublicBuckets: true
              LoggingConfiguration:
                DestinationBucketName: access-logs
              VersioningConfiguration:
                Status: Enabled
              ObjectLockEnabled: true
              ObjectLockConfiguration:
                ObjectLockEnabled: Enabled
                Rule:
                  DefaultRetention: {Mode: GOVERNANCE, Years: 1}
              LifecycleConfiguration:
                Rules:
                  - Id: archive
                    Status: Enabled
                    Prefix: AWSLogs/
                    TagFilters: [{Key: k, Value: v}]
                    Transitions:
                      - StorageClass: GLACIER
                        TransitionInDays: 90
                    ExpirationInDays: 400
                  - Id: old
                    Status: Disabled
                    Transition: {StorageClass: DEEP_ARCHIVE, TransitionInDays: 30}
        """,
    ).buckets[0]
    assert bucket.name.value == "audit-logs"
    assert bucket.arn.value == "arn:aws:s3:::audit-logs"
    assert bucket.acl.value == "PublicRead" and bucket.acl.origin is Origin.EXPLICIT
    pab = bucket.public_access_block.value
    assert pab is not None and pab.block_public_acls.value is True
    assert (
        pab.block_public_policy.value is False and pab.block_public_policy.origin is Origin.DEFAULT
    )
    assert bucket.logging_target.value == "access-logs"
    assert bucket.versioning.value == "Enabled"
    assert bucket.object_lock.value is True and bucket.object_lock_retention_days.value == 365
    rules = bucket.lifecycle_rules.value or ()
    assert [r.id for r in rules] == ["archive", "old"]
    archive, old = rules
    assert archive.enabled.value is True and archive.prefix.value == "AWSLogs/"
    assert archive.narrowed is True and archive.expiration_days.value == 400
    assert archive.transitions[0].storage_class == "GLACIER"
    assert archive.transitions[0].days.value == 90
    assert archive.span.line == 21
    assert old.enabled.value is False and old.transitions[0].storage_class == "DEEP_ARCHIVE"
    assert old.prefix.origin is Origin.DEFAULT and old.prefix.value == ""


def test_bucket_defaults(tmp_path: Path) -> None:
    bucket = load(tmp_path, "Resources:\n  B:\n    Type: AWS::S3::Bucket\n").buckets[0]
    assert bucket.name.value == "${B}" and bucket.arn.value == "arn:aws:s3:::${B}"
    assert bucket.acl.value == "private" and bucket.acl.origin is Origin.DEFAULT
    assert bucket.versioning.value == "Disabled"
    assert bucket.policy.origin is Origin.DEFAULT and bucket.policy.value is None
    assert bucket.public_access_block.value is None
    assert bucket.lifecycle_rules.value == () and bucket.logging_target.value is None
    assert bucket.object_lock.value is False


def test_logging_without_destination_logs_to_itself(tmp_path: Path) -> None:
    bucket = load(
        tmp_path,
        """\
        Resources:
          B:
            Type: AWS::S3::Bucket
            Properties:
              LoggingConfiguration: {}
        """,
    ).buckets[0]
    assert bucket.logging_target.value == "${B}"


def test_kms_key_alias_and_policy(tmp_path: Path) -> None:
    model = load(
        tmp_path,
        """\
        Resources:
          Key:
            Type: AWS::KMS::Key
            Properties:
              EnableKeyRotation: true
              KeyPolicy:
                Version: "2012-10-17"
                Statement:
                  - Sid: CloudTrail
                    Effect: Allow
                    Principal: {Service: cloudtrail.amazonaws.com}
                    Action: kms:GenerateDataKey*
                    Resource: "*"
          Alias:
            Type: AWS::KMS::Alias
            Properties:
              AliasName: alias/cloudtrail
              TargetKeyId: !Ref Key
        """,
    )
    key = model.kms_keys[0]
    assert key.key_id.value == "${Key}"
    assert key.arn.value == "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/${Key}"
    assert key.aliases == ("alias/cloudtrail",)
    assert key.rotation.value is True
    assert key.enabled.value is True and key.enabled.origin is Origin.DEFAULT
    assert key.key_spec.value == "SYMMETRIC_DEFAULT"
    policy = key.policy.value
    assert policy is not None and policy.statements[0].sid == "CloudTrail"
    assert policy.statements[0].actions == ("kms:GenerateDataKey*",)
    assert policy.statements[0].span.line == 9


def test_log_group_filter_alarm_topic(tmp_path: Path) -> None:
    model = load(
        tmp_path,
        """\
        Resources:
          Group:
            Type: AWS::Logs::LogGroup
            Properties:
              RetentionInDays: 365
              KmsKeyId: !GetAtt Key.Arn
          Key:
            Type: AWS::KMS::Key
          Filter:
            Type: AWS::Logs::MetricFilter
            Properties:
              LogGroupName: !Ref Group
              FilterPattern: '{ ($.errorCode = "*UnauthorizedOperation") }'
              MetricTransformations:
                - MetricName: Unauthorized
                  MetricNamespace: CIS
                  MetricValue: "1"
          Alarm:
            Type: AWS::CloudWatch::Alarm
            Properties:
              MetricName: Unauthorized
              Namespace: CIS
              ActionsEnabled: false
              AlarmActions: [!Ref Topic]
          Topic:
            Type: AWS::SNS::Topic
            Properties:
              TopicName: alerts
              Subscription:
                - {Endpoint: a@example.com, Protocol: email}
          Sub:
            Type: AWS::SNS::Subscription
            Properties:
              TopicArn: !Ref Topic
              Protocol: email
              Endpoint: b@example.com
        """,
    )
    group = model.log_groups[0]
    assert group.name.value == "${Group}" and group.retention_days.value == 365
    assert group.kms_key_id.value.endswith(":key/${Key}")
    metric_filter = model.metric_filters[0]
    assert metric_filter.log_group_name.value == "${Group}"
    assert metric_filter.pattern.value == '{ ($.errorCode = "*UnauthorizedOperation") }'
    assert metric_filter.metric_name.value == "Unauthorized"
    assert metric_filter.metric_namespace.value == "CIS"
    assert metric_filter.metric_name.span.line == 15
    alarm = model.alarms[0]
    assert alarm.metric_name.value == "Unauthorized" and alarm.actions_enabled.value is False
    topic = model.topics[0]
    assert topic.name.value == "alerts"
    assert topic.arn.value == "arn:aws:sns:${AWS::Region}:${AWS::AccountId}:alerts"
    assert alarm.actions.value == (topic.arn.value,)
    assert topic.subscriptions == ("Sub", "Topic.Subscription[0]")


def test_event_rule_pattern_as_object_and_as_json_string(tmp_path: Path) -> None:
    model = load(
        tmp_path,
        """\
        Resources:
          Obj:
            Type: AWS::Events::Rule
            Properties:
              EventPattern:
                source: [aws.cloudtrail]
                detail: {eventName: [StopLogging]}
              Targets:
                - Id: t
                  Arn: !Ref Topic
          Str:
            Type: AWS::Events::Rule
            Properties:
              Name: from-string
              State: DISABLED
              EventPattern: '{"source": ["aws.iam"]}'
          Topic:
            Type: AWS::SNS::Topic
        """,
    )
    rules = {r.ref: r for r in model.event_rules}
    assert rules["Obj"].pattern.value == {
        "source": ["aws.cloudtrail"],
        "detail": {"eventName": ["StopLogging"]},
    }
    assert rules["Obj"].enabled.value is True and rules["Obj"].enabled.origin is Origin.DEFAULT
    assert rules["Obj"].targets == ("arn:aws:sns:${AWS::Region}:${AWS::AccountId}:${Topic}",)
    assert rules["Str"].pattern.value == {"source": ["aws.iam"]}
    assert rules["Str"].enabled.value is False and rules["Str"].name.value == "from-string"


def test_role_with_inline_attached_and_external_policies(tmp_path: Path) -> None:
    model = load(
        tmp_path,
        """\
        Resources:
          Role:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Statement:
                  - Effect: Allow
                    Principal: {Service: cloudtrail.amazonaws.com}
                    Action: sts:AssumeRole
              Policies:
                - PolicyName: inline
                  PolicyDocument:
                    Statement:
                      - Effect: Allow
                        Action: logs:CreateLogStream
                        Resource: "*"
              ManagedPolicyArns:
                - !Ref Managed
          Managed:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              PolicyDocument:
                Statement: [{Effect: Allow, Action: logs:PutLogEvents, Resource: "*"}]
          Extra:
            Type: AWS::IAM::Policy
            Properties:
              PolicyName: extra
              Roles: [!Ref Role]
              PolicyDocument:
                Statement: [{Effect: Allow, Action: logs:DescribeLogGroups, Resource: "*"}]
          Other:
            Type: AWS::IAM::Role
            Properties:
              RoleName: other
              AssumeRolePolicyDocument: {Statement: []}
              ManagedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]
        """,
    )
    roles = {r.ref: r for r in model.roles}
    role = roles["Role"]
    assert role.arn.value == "arn:aws:iam::${AWS::AccountId}:role/${Role}"
    trust = role.trust_policy.value
    assert trust is not None and trust.statements[0].actions == ("sts:AssumeRole",)
    actions = [s.actions for d in role.permission_policies for s in d.statements]
    assert actions == [
        ("logs:CreateLogStream",),
        ("logs:PutLogEvents",),
        ("logs:DescribeLogGroups",),
    ]
    assert role.permissions_complete is True
    assert roles["Other"].permissions_complete is False


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
    "AWS::Events::Rule": ["EventPattern", "Targets", "State"],
    "AWS::IAM::Role": ["Policies", "ManagedPolicyArns", "AssumeRolePolicyDocument"],
    "AWS::IAM::Policy": ["Roles", "PolicyDocument"],
}


def test_odd_property_shapes_never_crash(tmp_path: Path) -> None:
    """Every property above set to each shape a careless template might hold."""
    import json

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

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


def test_unresolved_data_resource_values_keep_the_selectors_known(tmp_path: Path) -> None:
    model = load(
        tmp_path,
        """
        Parameters:
          Arn:
            Type: String
        Resources:
          Trail:
            Type: AWS::CloudTrail::Trail
            Properties:
              S3BucketName: b
              IsLogging: true
              EventSelectors:
                - ReadWriteType: All
                  DataResources:
                    - Type: AWS::S3::Object
                      Values: [!Ref Arn]
        """,
    )
    selectors = model.trails[0].event_selectors
    assert selectors.origin is Origin.EXPLICIT
    (res,) = selectors.value[0].data_resources
    assert res.type == "AWS::S3::Object" and res.values == () and "Arn" in res.unknown
