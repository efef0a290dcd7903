"""``AWS::Events::Rule`` → ``EventRule`` (records/events.py)."""

from __future__ import annotations

from pathlib import Path

from cloudformation_template import load

from scanner.model import Origin
from scanner.parsers.cloudformation import load_cloudformation


def test_event_rule_pattern_as_object_and_as_json_string(tmp_path: Path) -> None:
    model = load(
        tmp_path,
        """\
        Resources:
          Obj:
            Type: AWS::Events::Rule
            Properties:
              EventPattern:
                source: [aws.cloudtrail]
                detail: {eventName: [StopLogging]}
              Targets:
                - Id: t
                  Arn: !Ref Topic
          Str:
            Type: AWS::Events::Rule
            Properties:
              Name: from-string
              State: DISABLED
              EventPattern: '{"source": ["aws.iam"]}'
          Topic:
            Type: AWS::SNS::Topic
        """,
    )
    rules = {r.ref: r for r in model.event_rules}
    assert rules["Obj"].pattern.value == {
        "source": ["aws.cloudtrail"],
        "detail": {"eventName": ["StopLogging"]},
    }
    assert rules["Obj"].enabled.value is True and rules["Obj"].enabled.origin is Origin.DEFAULT
    assert rules["Obj"].targets == ("arn:aws:sns:${AWS::Region}:${AWS::AccountId}:${Topic}",)
    assert rules["Str"].pattern.value == {"source": ["aws.iam"]}
    assert rules["Str"].enabled.value is False and rules["Str"].name.value == "from-string"
    for rule in rules.values():
        assert (rule.name.name, rule.pattern.name, rule.enabled.name) == (
            "Name",
            "EventPattern",
            "State",
        )


def test_ill_typed_properties_are_reported_in_reading_order(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(
        "Resources:\n  Rule:\n    Type: AWS::Events::Rule\n"
        "    Properties:\n      State: [on]\n      Targets: nope\n      Name: [x]\n"
    )
    model = load_cloudformation(path, tmp_path)
    assert model is not None
    rule = model.event_rules[0]
    assert rule.enabled.origin is Origin.UNKNOWN and rule.targets == ("Rule.Targets",)
    assert [p.span.line for p in model.problems] == [5, 6, 7]
