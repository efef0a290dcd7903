"""records/logs.py: log groups and metric filters."""

from __future__ import annotations

from pathlib import Path

from tf_inline import MONITORING, load

from scanner.model import Origin


def test_log_group_and_metric_filter(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": MONITORING})
    (group,) = model.log_groups
    assert group.retention_days.value == 365 and group.kms_key_id.origin is Origin.DEFAULT
    (flt,) = model.metric_filters
    assert flt.log_group_name.value == "ct" and flt.pattern.value == '{ $.userIdentity.type = "Root" }'
    assert flt.metric_name.value == "RootUsage" and flt.metric_namespace.value == "CIS"


def test_log_group_attrs_carry_their_terraform_names(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        resource "aws_cloudwatch_log_group" "g" {
          name              = "ct"
          retention_in_days = 365
        }
        resource "aws_cloudwatch_log_group" "p" {
          name_prefix = "ct-"
          kms_key_id  = var.key
        }
        variable "key" {}
    """})
    named, prefixed = model.log_groups
    assert [(a.name, a.origin) for a in (named.name, named.arn, named.retention_days,
                                         named.kms_key_id)] == [
        ("name", Origin.EXPLICIT), ("arn", Origin.EXPLICIT),
        ("retention_in_days", Origin.EXPLICIT), ("kms_key_id", Origin.DEFAULT),
    ]
    assert [(a.name, a.origin) for a in (prefixed.retention_days, prefixed.kms_key_id)] == [
        ("retention_in_days", Origin.DEFAULT), ("kms_key_id", Origin.UNKNOWN),
    ]
    (flt,) = load(tmp_path / "filter", {"main.tf": MONITORING}).metric_filters
    assert [a.name for a in (flt.log_group_name, flt.pattern, flt.metric_name,
                             flt.metric_namespace)] == [
        "log_group_name", "pattern", "metric_transformation.name",
        "metric_transformation.namespace",
    ]
