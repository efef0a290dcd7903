"""The engine's shared pieces: one verdict mapping, whole-number attributes."""

from __future__ import annotations

from scanner.model import Attr, Span
from scanner.policy import Fail, Pass, Unknown, judge

SPAN = Span(path="main.tf", line=3)


def test_judge_maps_the_three_values() -> None:
    assert isinstance(judge(subject="x", span=SPAN, verdict=True, unknown="", fail="no"), Pass)
    unknown = judge(subject="x", span=SPAN, verdict=None, unknown="var.k has no value", fail="no")
    assert isinstance(unknown, Unknown) and unknown.reason == "var.k has no value"
    fail = judge(subject="x", span=SPAN, verdict=False, unknown="", fail=lambda: "built late")
    assert isinstance(fail, Fail) and fail.message == "built late" and fail.span == SPAN


def test_unknown_without_reason_still_says_so() -> None:
    assert judge(subject="x", span=SPAN, verdict=None, unknown="", fail="no").reason == "unresolved"


def test_as_int() -> None:
    assert Attr.explicit(30, SPAN).as_int() == 30
    assert Attr.explicit(" 30 ", SPAN).as_int() == 30
    assert Attr.explicit("thirty", SPAN).as_int() is None
    assert Attr.explicit(True, SPAN).as_int() is None
    assert Attr.unknown(SPAN, "var").as_int() is None
    assert Attr.default(None, SPAN).as_int() is None
