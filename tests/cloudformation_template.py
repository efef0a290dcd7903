"""Load a CloudFormation template written inline in a test (the records tests' helper)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from scanner.model import Model
from scanner.parsers.cloudformation import load_cloudformation


def load(tmp_path: Path, text: str, name: str = "template.yaml") -> Model:
    """The unit model of ``text``, which must load without a problem."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    model = load_cloudformation(path, tmp_path)
    assert model is not None
    assert model.problems == ()
    return model


# A log group watched by a metric filter, whose alarm notifies a topic with an inline and
# a separate subscription: the logs, alarms and topics tests each read their part.
MONITORING = """\
    Resources:
      Group:
        Type: AWS::Logs::LogGroup
        Properties:
          RetentionInDays: 365
          KmsKeyId: !GetAtt Key.Arn
      Key:
        Type: AWS::KMS::Key
      Filter:
        Type: AWS::Logs::MetricFilter
        Properties:
          LogGroupName: !Ref Group
          FilterPattern: '{ ($.errorCode = "*UnauthorizedOperation") }'
          MetricTransformations:
            - MetricName: Unauthorized
              MetricNamespace: CIS
              MetricValue: "1"
      Alarm:
        Type: AWS::CloudWatch::Alarm
        Properties:
          MetricName: Unauthorized
          Namespace: CIS
          ActionsEnabled: false
          AlarmActions: [!Ref Topic]
      Topic:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: alerts
          Subscription:
            - {Endpoint: a@example.com, Protocol: email}
      Sub:
        Type: AWS::SNS::Subscription
        Properties:
          TopicArn: !Ref Topic
          Protocol: email
          Endpoint: b@example.com
    """
