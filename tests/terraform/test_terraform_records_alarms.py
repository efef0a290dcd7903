"""records/alarms.py: metric alarms."""

from __future__ import annotations

from pathlib import Path

from tf_inline import MONITORING, load


def test_alarm_actions_resolve_to_the_topic_arn(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": MONITORING})
    (alarm,) = model.alarms
    topic_arn = "arn:aws:sns:${AWS::Region}:${AWS::AccountId}:alerts"
    assert alarm.actions.value == (topic_arn,) and alarm.actions_enabled.value is True
