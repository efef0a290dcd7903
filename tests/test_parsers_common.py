"""scanner/parsers/common.py: policy documents from decoded JSON (both front ends)."""

from __future__ import annotations

from scanner.model import Principal, Span
from scanner.parsers.common import UnknownValue, policy_document_from_json


def test_policy_document_from_json_shapes() -> None:
    span = Span(path="p.json")
    doc = policy_document_from_json(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": ["arn:aws:iam::1:root", UnknownValue("x")]},
                    "NotAction": "s3:Get*",
                    "Resource": ["a", 1],
                    "Condition": {"NumericLessThan": {"s3:max-keys": 10}},
                }
            ]
        },
        span,
    )
    (stmt,) = doc.statements
    assert stmt.principals == (Principal(kind="AWS", value="arn:aws:iam::1:root"),)
    assert stmt.not_actions == ("s3:Get*",) and stmt.actions is None
    assert stmt.resources == ("a", "1")
    assert stmt.conditions[0].values == ("10",)
    assert stmt.unknown == ("Principal",)
    assert policy_document_from_json("{bad", span).unknown.startswith("policy is not valid JSON")
    assert policy_document_from_json(UnknownValue("why"), span).unknown == "why"
