"""The non-backtracking regex search: Python's ``re`` answers, in linear time."""

from __future__ import annotations

import re
import warnings

import pytest
from guards import run_guarded
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.analysis import linear_regex
from scanner.analysis.linear_regex import RegexError, compile_pattern, search

# Pieces of patterns: every construct of the supported syntax, and many that are errors.
TOKENS = [
    "a", "b", "_", " ", "-", ".", "\n", "é", "1", "^", "$", "*", "+", "?", "*?", "{", "}", ",",
    "{1,2}", "{,2}", "{2,}", "{2}", "{0}", "{}", "[", "]", "[^", "a-b", "|", "\\", "\\d", "\\w",
    "\\s", "\\D", "\\W", "\\S", "\\b", "\\B", "\\A", "\\Z", "\\.", "\\x41", "\\x4", "\\u00e9",
    "\\n", "\\t", "\\0", "\\01", "\\101", "\\1", "\\8", "\\q", "\\-", "\\N{LATIN SMALL LETTER E}",
]
SUBJECT = st.text(alphabet="ab_ -.\n1Aé\t", max_size=10)


def _python(pattern: str) -> re.Pattern[str] | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # FutureWarning on "[[" and the like
        try:
            return re.compile(pattern)
        except (re.error, OverflowError):
            return None


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=10).map("".join),
       st.lists(SUBJECT, min_size=1, max_size=8))
def test_same_verdicts_as_python_re(pattern: str, subjects: list[str]) -> None:
    expected = _python(pattern)
    try:
        program = compile_pattern(pattern)
    except RegexError as err:
        # Possessive quantifiers are the one construct re accepts and this refuses.
        assert expected is None or "possessive" in err.message, f"{pattern!r} is valid for re"
        return
    assert expected is not None, f"{pattern!r} is invalid for re"
    for text in subjects:
        assert program.search(text) is (expected.search(text) is not None), (pattern, text)


@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        ("a$", "xa\n", True),  # $ also matches before a final newline
        ("a$", "a\n\n", False),
        ("a\\Z", "a\n", False),
        ("\\b", "", False),  # no boundary in an empty string ...
        ("\\B", "", False),  # ... and no non-boundary either (Python 3.11)
        ("\\bcat\\b", "a cat!", True),
        ("\\Bcat", "a cat", False),
        ("x{", "x{", True),  # "{" that is not a quantifier is a literal
        ("x{1,2", "x{1,2", True),
        ("x{,2}y", "y", True),
        ("[]a]", "]", True),
        ("[^]]", "]", False),
        ("[a-]", "-", True),
        ("[\\d-]", "-", True),
        (".", "\n", False),
        ("[^a]", "\n", True),
        ("\\w", "é", True),
        ("\\d", "\u0663", True),  # ARABIC-INDIC DIGIT THREE: \d is Unicode
        ("^b|a", "ba", True),
        ("a{0}b", "b", True),
        ("Delete.*Group$", "DeleteDBSecurityGroup", True),
    ],
)
def test_edge_cases_match_python(pattern: str, text: str, found: bool) -> None:
    assert (re.search(pattern, text) is not None) is found
    assert search(pattern, text) is found


@pytest.mark.parametrize(
    ("pattern", "fragment"),
    [
        ("*a", "nothing to repeat"),
        ("a**", "multiple repeat"),
        ("^*", "nothing to repeat"),
        ("a*+", "possessive"),  # Python accepts it; this automaton cannot express it
        ("[a", "unterminated character set"),
        ("\\q", "bad escape"),
        ("\\1", "invalid group reference"),
        ("[z-a]", "bad character range"),
        ("a{3,2}", "min repeat greater than max repeat"),
        ("a{4294967295}", "too large"),
        ("a{20000}", "too large to evaluate"),
        ("(a)", "parentheses"),
        ("a)", "unbalanced parenthesis"),
        ("a\\", "bad escape (end of pattern)"),
    ],
)
def test_errors(pattern: str, fragment: str) -> None:
    with pytest.raises(RegexError) as err:
        compile_pattern(pattern)
    assert fragment in err.value.message
    assert 0 <= err.value.position <= len(pattern)


def test_repetition_counts_are_bounded() -> None:
    program = compile_pattern("a{1,5000}b")
    assert program.search("a" * 5000 + "b") and not program.search("a" * 5000)
    with pytest.raises(RegexError):
        compile_pattern("a{5000}" * 3)
    assert linear_regex.MAX_POSITIONS >= 10_000


# ---------------------------------------------------------------------------
# Hostile patterns: each would keep ``re`` busy for hours; here they are linear.
# ---------------------------------------------------------------------------


def _nested_stars() -> tuple[bool, bool]:
    # re: C(n + k, k) ways to split n characters over k stars, per start position.
    pattern = "\\w*" * 14 + "!"
    return search(pattern, "a" * 40), search(pattern, "a" * 40 + "!")


def _long_subject() -> bool:
    return search("a*" * 2000 + "Z", "a" * 100_000)


def _alternatives() -> bool:
    pattern = "|".join(["[a-z]*" * 10 + "#"] * 50)
    return search(pattern, "abc" * 10_000)


def test_star_runs_are_linear() -> None:
    assert run_guarded(_nested_stars, cpu_seconds=10) == (False, True)


def test_long_subject_is_linear() -> None:
    assert run_guarded(_long_subject, cpu_seconds=10) is False


def test_many_alternatives_are_linear() -> None:
    assert run_guarded(_alternatives, cpu_seconds=10) is False
