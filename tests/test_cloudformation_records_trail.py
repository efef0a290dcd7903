"""``AWS::CloudTrail::Trail`` → ``Trail`` (records/trail.py): values, defaults, spans, names."""

from __future__ import annotations

import textwrap
from pathlib import Path

from cloudformation_template import load

from scanner.model import Model, Origin
from scanner.parsers.cloudformation import load_cloudformation

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

# Trail field → the CloudFormation property it is read from.
PROPERTY_NAMES = {
    "name": "TrailName",
    "s3_bucket_name": "S3BucketName",
    "s3_key_prefix": "S3KeyPrefix",
    "is_multi_region": "IsMultiRegionTrail",
    "include_global_service_events": "IncludeGlobalServiceEvents",
    "enable_logging": "IsLogging",
    "log_file_validation": "EnableLogFileValidation",
    "kms_key_id": "KMSKeyId",
    "cloud_watch_logs_group_arn": "CloudWatchLogsLogGroupArn",
    "cloud_watch_logs_role_arn": "CloudWatchLogsRoleArn",
    "sns_topic_name": "SnsTopicName",
    "is_organization_trail": "IsOrganizationTrail",
    "event_selectors": "EventSelectors",
    "advanced_event_selectors": "AdvancedEventSelectors",
}


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


def load_without_is_logging(tmp_path: Path, text: str, name: str = "template.yaml") -> Model:
    """A template whose trails omit ``IsLogging``: one CT901 per trail, at the trail."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    model = load_cloudformation(path, tmp_path)
    assert model is not None
    assert [p.message for p in model.problems] == [
        f"trail {t.ref} has no IsLogging, a required property (CloudFormation rejects this template)"
        for t in model.trails
    ]
    assert [p.span.line for p in model.problems] == [t.span.line for t in model.trails]
    return model


def test_trail_defaults_from_the_cloudformation_docs(tmp_path: Path) -> None:
    trail = load_without_is_logging(
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


def test_every_trail_attribute_names_its_property_written_or_not(tmp_path: Path) -> None:
    written = load(tmp_path, FULL_TRAIL).trails[0]
    absent = load_without_is_logging(
        tmp_path, "Resources:\n  T:\n    Type: AWS::CloudTrail::Trail\n", name="bare.yaml"
    ).trails[0]
    for trail in (written, absent):
        names = {field: getattr(trail, field).name for field in PROPERTY_NAMES}
        assert names == PROPERTY_NAMES
    assert written.log_file_validation.origin is Origin.EXPLICIT
    assert absent.log_file_validation.origin is Origin.DEFAULT
    assert absent.enable_logging.origin is Origin.UNKNOWN
    (selector,) = written.event_selectors.value or ()
    assert selector.read_write_type.name == "ReadWriteType"
    assert selector.include_management_events.name == "IncludeManagementEvents"


def test_ill_typed_boolean_is_unknown_not_false(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(
        "Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n"
        "    Properties: {S3BucketName: b, IsLogging: true, IsMultiRegionTrail: maybe}\n"
    )
    model = load_cloudformation(path, tmp_path)
    assert model is not None
    assert model.trails[0].is_multi_region.origin is Origin.UNKNOWN
    assert model.trails[0].is_multi_region.name == "IsMultiRegionTrail"
    # CloudFormation rejects the template: the user is told where (CT901).
    assert [(p.span.line, p.message) for p in model.problems] == [
        (4, "IsMultiRegionTrail must be a boolean, not 'maybe' (CloudFormation rejects this template)")
    ]


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
