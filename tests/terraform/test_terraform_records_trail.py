"""records/trail.py: aws_cloudtrail and its event selectors (dynamic blocks included)."""

from __future__ import annotations

from pathlib import Path

from tf_inline import one_trail

from scanner.model import Origin, Span


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


def test_trail_attrs_carry_their_terraform_names(tmp_path: Path) -> None:
    trail = one_trail(tmp_path, """
  name                       = "t"
  s3_bucket_name             = "b"
  enable_log_file_validation = true
  kms_key_id                 = var.key
  event_selector {
    read_write_type = "All"
  }
""", 'variable "key" {}\n')
    fields = {
        "name": "name",
        "s3_bucket_name": "s3_bucket_name",
        "s3_key_prefix": "s3_key_prefix",
        "is_multi_region": "is_multi_region_trail",
        "include_global_service_events": "include_global_service_events",
        "enable_logging": "enable_logging",
        "log_file_validation": "enable_log_file_validation",
        "kms_key_id": "kms_key_id",
        "cloud_watch_logs_group_arn": "cloud_watch_logs_group_arn",
        "cloud_watch_logs_role_arn": "cloud_watch_logs_role_arn",
        "sns_topic_name": "sns_topic_name",
        "is_organization_trail": "is_organization_trail",
        "event_selectors": "event_selector",
        "advanced_event_selectors": "advanced_event_selector",
    }
    assert {f: getattr(trail, f).name for f in fields} == fields
    # Written, defaulted and unresolved attributes are all named.
    assert trail.log_file_validation.origin is Origin.EXPLICIT
    assert trail.is_multi_region.origin is Origin.DEFAULT
    assert trail.kms_key_id.origin is Origin.UNKNOWN
    (selector,) = trail.event_selectors.value
    assert selector.read_write_type.name == "read_write_type"
    assert selector.include_management_events.name == "include_management_events"
    assert selector.include_management_events.origin is Origin.DEFAULT
