"""``AWS::SNS::Topic`` (+ ``Subscription``) → ``Topic`` (records/topics.py)."""

from __future__ import annotations

from pathlib import Path

from cloudformation_template import MONITORING, load


def test_topic_with_inline_and_separate_subscriptions(tmp_path: Path) -> None:
    topic = load(tmp_path, MONITORING).topics[0]
    assert topic.name.value == "alerts" and topic.name.name == "TopicName"
    assert topic.arn.value == "arn:aws:sns:${AWS::Region}:${AWS::AccountId}:alerts"
    assert topic.arn.name == "TopicArn"
    assert topic.subscriptions == ("Sub", "Topic.Subscription[0]")


def test_subscriptions_land_on_the_topic_they_name(tmp_path: Path) -> None:
    model = load(
        tmp_path,
        """\
        Resources:
          A:
            Type: AWS::SNS::Topic
          B:
            Type: AWS::SNS::Topic
            Properties: {TopicName: b}
          C:
            Type: AWS::SNS::Topic
          ToB2:
            Type: AWS::SNS::Subscription
            Properties: {TopicArn: !Ref B, Protocol: email, Endpoint: x@example.com}
          ToA:
            Type: AWS::SNS::Subscription
            Properties: {TopicArn: !Ref A, Protocol: email, Endpoint: y@example.com}
          ToB1:
            Type: AWS::SNS::Subscription
            Properties:
              TopicArn: !Sub arn:aws:sns:${AWS::Region}:${AWS::AccountId}:b
              Protocol: email
              Endpoint: z@example.com
          Outside:
            Type: AWS::SNS::Subscription
            Properties: {TopicArn: !ImportValue other, Protocol: email, Endpoint: o@example.com}
        """,
    )
    assert {t.ref: t.subscriptions for t in model.topics} == {
        "A": ("ToA",),
        "B": ("ToB1", "ToB2"),
        "C": (),
    }
