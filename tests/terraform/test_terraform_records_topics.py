"""records/topics.py: SNS topics and their subscriptions."""

from __future__ import annotations

from pathlib import Path

from tf_inline import MONITORING, load


def test_topic_arn_and_subscriptions(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": MONITORING})
    topic_arn = "arn:aws:sns:${AWS::Region}:${AWS::AccountId}:alerts"
    (topic,) = model.topics
    assert topic.arn.value == topic_arn and topic.subscriptions == ("aws_sns_topic_subscription.s",)
