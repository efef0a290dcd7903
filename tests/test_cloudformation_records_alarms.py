"""``AWS::CloudWatch::Alarm`` → ``Alarm`` (records/alarms.py)."""

from __future__ import annotations

from pathlib import Path

from cloudformation_template import MONITORING, load

from scanner.model import Origin


def test_alarm_metric_and_actions(tmp_path: Path) -> None:
    model = load(tmp_path, MONITORING)
    alarm = model.alarms[0]
    assert alarm.metric_name.value == "Unauthorized" and alarm.namespace.value == "CIS"
    assert alarm.actions_enabled.value is False
    assert alarm.actions.value == (model.topics[0].arn.value,)
    assert [alarm.metric_name.name, alarm.namespace.name] == ["MetricName", "Namespace"]
    assert [alarm.actions_enabled.name, alarm.actions.name] == ["ActionsEnabled", "AlarmActions"]


def test_metric_math_alarm_names_its_metric_inside_metrics(tmp_path: Path) -> None:
    alarm = load(
        tmp_path,
        """\
        Resources:
          Alarm:
            Type: AWS::CloudWatch::Alarm
            Properties:
              Metrics:
                - Id: e1
                  Expression: m1 * 2
                - Id: m1
                  MetricStat:
                    Metric: {MetricName: RootUse, Namespace: CIS}
                    Period: 300
                    Stat: Sum
        """,
    ).alarms[0]
    assert (alarm.metric_name.value, alarm.namespace.value) == ("RootUse", "CIS")
    assert alarm.metric_name.span.line == 10  # the Metric mapping that names it
    assert alarm.actions.origin is Origin.DEFAULT and alarm.actions.value == ()
    assert alarm.actions.name == "AlarmActions"


def test_actions_that_resolve_are_kept_beside_one_that_does_not(tmp_path: Path) -> None:
    alarm = load(
        tmp_path,
        """\
        Resources:
          Alarm:
            Type: AWS::CloudWatch::Alarm
            Properties:
              MetricName: m
              Namespace: n
              AlarmActions: [arn:aws:sns:us-east-1:1:a, !ImportValue other-topic]
        """,
    ).alarms[0]
    assert alarm.actions.origin is Origin.EXPLICIT
    assert alarm.actions.value == ("arn:aws:sns:us-east-1:1:a",)
