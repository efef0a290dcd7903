"""Wildcards and regexes from scanned files cannot hang the scan (issue 12, ReDoS).

Each hostile input below kept the old regex-based matchers busy for minutes to hours (14
``.*`` in a row against 30 characters is about 10^10 backtracking steps); every test runs
under the hang guard, so a regression is a failure, not a stuck CI. The property tests
check that the linear matchers give the answers the regex translation gave.
"""

from __future__ import annotations

import re

from guards import run_guarded
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.analysis import iam
from scanner.analysis.event_pattern import event_rule_matches
from scanner.analysis.filter_pattern import FilterPatternError, matches_pattern, parse
from scanner.analysis.wildcards import split_unescaped_stars, star_fullmatch

# ---------------------------------------------------------------------------
# Same answers as the regex translation they replace
# ---------------------------------------------------------------------------

_glob_text = st.text(alphabet="ab*", max_size=10)


@settings(max_examples=500, deadline=None)
@given(_glob_text, st.text(alphabet="ab", max_size=10))
def test_star_fullmatch_agrees_with_a_regex(pattern: str, value: str) -> None:
    as_regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    expected = re.fullmatch(as_regex, value, re.DOTALL) is not None
    assert star_fullmatch(pattern.split("*"), value) is expected


def _eventbridge_regex(pattern: str) -> str:
    """The translation event_pattern.py used before: ``\\*`` and ``\\\\`` are literal."""
    parts, buf, i = [], "", 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "*\\":
            buf += pattern[i + 1]
            i += 2
            continue
        if pattern[i] == "*":
            parts += [re.escape(buf), ".*"]
            buf = ""
        else:
            buf += pattern[i]
        i += 1
    return "".join([*parts, re.escape(buf)])


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab*\\", max_size=10), st.text(alphabet="ab*\\", max_size=8))
def test_eventbridge_wildcard_agrees_with_the_old_regex(pattern: str, value: str) -> None:
    expected = re.fullmatch(_eventbridge_regex(pattern), value, re.DOTALL) is not None
    assert star_fullmatch(split_unescaped_stars(pattern), value) is expected


def _reference_could_match(pattern: list[object], value: list[object]) -> bool:
    """The search iam.py used before its bit-parallel rewrite, kept as the oracle: every
    reachable (pattern position, value position) pair, one at a time."""

    def is_any(u: object) -> bool:
        return u is iam._STAR or (isinstance(u, tuple) and u[0] == "tok")

    def fits(token: object, unit: object) -> bool:
        pseudo = isinstance(token, tuple) and token[0] == "tok" and str(token[1]).startswith("${AWS::")
        return not (pseudo and unit in (":", "/"))

    n, m = len(pattern), len(value)
    seen, stack = {(0, 0)}, [(0, 0)]
    while stack:
        i, j = stack.pop()
        if (i, j) == (n, m):
            return True
        moves = []
        if i < n and is_any(pattern[i]):
            moves.append((i + 1, j))
        if j < m and is_any(value[j]):
            moves.append((i, j + 1))
        if i < n and j < m:
            p, v = pattern[i], value[j]
            compatible = (is_any(p) and fits(p, v)) or (is_any(v) and fits(v, p)) or p is iam._QMARK or p == v
            target = (i if is_any(p) else i + 1, j if is_any(v) else j + 1)
            if compatible and target != (i, j):
                moves.append(target)
        for state in moves:
            if state not in seen:
                seen.add(state)
                stack.append(state)
    return False


_iam_text = st.lists(st.sampled_from(["a", "b", ":", "/", "*", "?", "${X}", "${AWS::Region}"]),
                     max_size=8).map("".join)


@settings(max_examples=1000, deadline=None)
@given(_iam_text, _iam_text)
def test_iam_matching_agrees_with_the_pairwise_search(pattern: str, value: str) -> None:
    p = iam._units(pattern, wildcards=True, case_sensitive=True)
    v = iam._units(value, wildcards=False, case_sensitive=True)
    assert iam._could_match(p, v) is _reference_could_match(p, v)
    as_regex = "".join(".*" if u is iam._STAR else "." if u is iam._QMARK else re.escape(str(u))
                       for u in p if not isinstance(u, tuple) or u[0] != "tok")
    if not any(isinstance(u, tuple) and u[0] == "tok" for u in (*p, *v)):
        assert iam._unit_match(p, v) is (re.fullmatch(as_regex, value, re.DOTALL) is not None)


# ---------------------------------------------------------------------------
# Hostile inputs, under the guard
# ---------------------------------------------------------------------------

LONG = "a" * 5_000


def _filter_stars() -> tuple[object, object, object]:
    pattern = '{ $.eventName = "a' + "*" * 14 + 'Z" }'
    return (
        matches_pattern(pattern, {"eventName": LONG}),
        matches_pattern(pattern, {"eventName": LONG + "Z"}),
        matches_pattern('{ $.eventName = "' + "*" * 15 + 'Z" }', {"eventName": LONG}),
    )


def test_filter_pattern_star_run() -> None:
    # An infix star is literal per the guide and a wildcard otherwise: where the two
    # readings differ the answer is None, as before.
    assert run_guarded(_filter_stars, cpu_seconds=10) == (False, None, False)


def _filter_regex() -> tuple[object, object]:
    pattern = "{ $.eventName = %" + "\\w*" * 14 + "!% }"
    terms = "%" + "[a-z]*" * 14 + "#%"
    return matches_pattern(pattern, {"eventName": "a" * 40}), matches_pattern(terms, {"a": LONG})


def test_filter_pattern_regex_star_run() -> None:
    assert run_guarded(_filter_regex, cpu_seconds=10) == (False, None)


def _nested_quantifier() -> str:
    try:
        parse("{ $.eventName = %(a+)+$% }")
    except FilterPatternError as err:
        return err.message
    return "parsed"


def test_nested_quantifier_is_refused_not_run() -> None:
    # CloudWatch Logs rejects parentheses in a regex; so does the parser, at once.
    assert "parentheses" in run_guarded(_nested_quantifier, cpu_seconds=5)


def _eventbridge_stars() -> tuple[object, object]:
    stars = "*".join("a" * 100)
    pattern = {"detail": {"eventName": [{"wildcard": stars + "Z"}]}}
    return (
        event_rule_matches(pattern, {"detail": {"eventName": "a" * 20_000}}),
        event_rule_matches(pattern, {"detail": {"eventName": "a" * 20_000 + "Z"}}),
    )


def test_eventbridge_wildcard_with_many_stars() -> None:
    assert run_guarded(_eventbridge_stars, cpu_seconds=10) == (False, True)


def _iam_tokens() -> tuple[object, object]:
    # Tokens on both sides make the matcher ask whether *some* value of them could
    # match; a sure "no" explores every (i, j) pair, which the old search kept in a set:
    # here 3,000 x 10,000 of them, minutes and gigabytes (600 x 2,000 took 4.6 s).
    pattern = "arn:aws:s3:::${B}/" + "a*" * 3_000 + "Z"
    value = "arn:aws:s3:::${B}/" + "a" * 10_000 + "/AWSLogs/${AWS::AccountId}/x"
    return (
        iam.match_value(pattern, value, case_sensitive=True),
        iam.wildcard_match(pattern.replace("${B}", "b"), value.replace("${B}", "b"), case_sensitive=True),
    )


def test_iam_wildcards_against_tokens() -> None:
    assert run_guarded(_iam_tokens, cpu_seconds=10, memory_bytes=512 * 1024**2) == (False, False)
