"""The plan's own account id and region become the model's tokens, as whole words only."""

from __future__ import annotations

from scanner.parsers.plan.symbols import Symbols


def test_account_and_region_become_tokens_as_whole_words() -> None:
    symbols = Symbols("123456789012", "eu-west-1")
    assert symbols.text("arn:aws:logs:eu-west-1:123456789012:log-group:ct:*") == (
        "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:ct:*"
    )
    assert symbols.text("123456789012_CloudTrail_eu-west-1") == "${AWS::AccountId}_CloudTrail_${AWS::Region}"
    # Another account, a longer number, a name that merely contains the region: unchanged.
    for text in ("arn:aws:iam::210987654321:root", "1234567890123", "logs-eu-west-1", "eu-west-1a",
                 "eu-west-10"):
        assert symbols.text(text) == text
    assert symbols.value({"k": ["eu-west-1", 5, None]}) == {"k": ["${AWS::Region}", 5, None]}


def test_nothing_is_replaced_without_a_single_known_value() -> None:
    assert Symbols("", "").text("arn:aws:s3:::123456789012-eu-west-1") == "arn:aws:s3:::123456789012-eu-west-1"
