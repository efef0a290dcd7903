"""``AWS::Logs::LogGroup`` / ``MetricFilter`` → ``LogGroup`` / ``MetricFilter`` (records/logs.py)."""

from __future__ import annotations

from pathlib import Path

from cloudformation_template import MONITORING, load

from scanner.model import Origin


def test_log_group_and_metric_filter(tmp_path: Path) -> None:
    model = load(tmp_path, MONITORING)
    group = model.log_groups[0]
    assert group.name.value == "${Group}" and group.retention_days.value == 365
    assert group.arn.value == "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Group}"
    assert group.kms_key_id.value.endswith(":key/${Key}")
    metric_filter = model.metric_filters[0]
    assert metric_filter.log_group_name.value == "${Group}"
    assert metric_filter.pattern.value == '{ ($.errorCode = "*UnauthorizedOperation") }'
    assert metric_filter.metric_name.value == "Unauthorized"
    assert metric_filter.metric_namespace.value == "CIS"
    assert metric_filter.metric_name.span.line == 15


def test_log_group_attributes_name_their_properties(tmp_path: Path) -> None:
    group = load(tmp_path, MONITORING).log_groups[0]
    assert (group.name.name, group.name.origin) == ("LogGroupName", Origin.EXPLICIT)
    assert group.arn.name == "Arn"
    assert (group.retention_days.name, group.retention_days.origin) == (
        "RetentionInDays",
        Origin.EXPLICIT,
    )
    assert group.kms_key_id.name == "KmsKeyId"
    bare = load(
        tmp_path, "Resources:\n  G:\n    Type: AWS::Logs::LogGroup\n", "bare.yaml"
    ).log_groups[0]
    assert (bare.retention_days.name, bare.retention_days.origin) == (
        "RetentionInDays",
        Origin.DEFAULT,
    )
    assert (bare.kms_key_id.name, bare.kms_key_id.origin) == ("KmsKeyId", Origin.DEFAULT)


def test_metric_filter_attributes_name_their_properties(tmp_path: Path) -> None:
    metric_filter = load(tmp_path, MONITORING).metric_filters[0]
    assert [
        metric_filter.log_group_name.name,
        metric_filter.pattern.name,
        metric_filter.metric_name.name,
        metric_filter.metric_namespace.name,
    ] == ["LogGroupName", "FilterPattern", "MetricName", "MetricNamespace"]


def test_unresolved_transformations_leave_the_metric_unknown(tmp_path: Path) -> None:
    metric_filter = load(
        tmp_path,
        """\
        Resources:
          Filter:
            Type: AWS::Logs::MetricFilter
            Properties:
              LogGroupName: g
              FilterPattern: "{ $.eventName = StopLogging }"
              MetricTransformations: !ImportValue shared-transformations
        """,
    ).metric_filters[0]
    assert metric_filter.metric_name.origin is Origin.UNKNOWN
    assert metric_filter.metric_name.name == "MetricName"
    assert "MetricTransformations" in metric_filter.metric_name.reason
