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
