"""records/events.py: EventBridge rules and their targets."""

from __future__ import annotations

from pathlib import Path

from tf_inline import MONITORING, load


def test_event_rule_pattern_state_and_targets(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": MONITORING})
    topic_arn = "arn:aws:sns:${AWS::Region}:${AWS::AccountId}:alerts"
    (rule,) = model.event_rules
    assert rule.pattern.value == {"source": ["aws.cloudtrail"]}
    assert rule.enabled.value is False and rule.targets == (topic_arn,)
