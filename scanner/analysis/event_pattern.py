"""EventBridge event-pattern matching, three-valued, for CloudTrail events.

An EventBridge rule with a target is an alternative to a metric filter and alarm for the
CIS monitoring items, so the monitoring policies ask whether a rule's pattern matches the
same sample CloudTrail records (wrapped as EventBridge delivers them).

Matching (EventBridge User Guide, "Event patterns" and "Comparison operators"):

* Every key of a pattern object must match (AND); nested objects descend into the event.
* A leaf is a list of alternatives (OR): literal strings, numbers, booleans or ``null``
  (exact, type-sensitive), or one-key objects: ``prefix``, ``suffix`` (both also with
  ``{"equals-ignore-case": ...}``), ``equals-ignore-case``, ``wildcard`` (``*``, ``\\*``
  escapes a star), ``anything-but`` (a value, a list, or ``prefix``/``suffix``/
  ``equals-ignore-case``/``wildcard``), ``numeric`` (``[">", 0, "<=", 5]``), ``exists``,
  ``cidr``; ``$or`` takes a list of sub-patterns.
* An event value that is a list matches when any element matches.
* A field absent from the event matches only ``{"exists": false}``.

Anything not listed (an unknown operator, a malformed operand, an empty pattern, a
value still holding an unresolved ``${...}`` token) yields ``None``, never a guess.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from scanner.analysis.wildcards import split_unescaped_stars, star_fullmatch
from scanner.tri import Tri
from scanner.tri import all_of as _and
from scanner.tri import any_of as _or

_MISSING = object()
_TOKEN_RE = re.compile(r"\$\{[^{}]*\}")

# detail-type by CloudTrail eventType (EventBridge User Guide, "AWS service events
# delivered via AWS CloudTrail").
SIGN_IN_DETAIL_TYPE = "AWS Console Sign In via CloudTrail"
_DETAIL_TYPES = {
    "AwsApiCall": "AWS API Call via CloudTrail",
    "AwsConsoleSignIn": SIGN_IN_DETAIL_TYPE,
    "AwsConsoleAction": "AWS Console Action via CloudTrail",
    "AwsServiceEvent": "AWS Service Event via CloudTrail",
}
# The guide spells the sign-in detail-type "AWS Console Signin via CloudTrail", while
# widely deployed rules use "AWS Console Sign In via CloudTrail". Which one EventBridge
# sends cannot be settled here, so a rule is evaluated against both spellings and only
# an answer that holds for both is definite.
_DETAIL_TYPE_SPELLINGS: dict[str, tuple[str, ...]] = {
    SIGN_IN_DETAIL_TYPE: (SIGN_IN_DETAIL_TYPE, "AWS Console Signin via CloudTrail"),
}


def as_eventbridge_event(cloudtrail_record: Mapping[str, Any]) -> dict[str, Any]:
    """Wrap a CloudTrail record the way EventBridge delivers it to rules.

    ``source`` is ``aws.`` plus the first label of the eventSource
    (``ec2.amazonaws.com`` -> ``aws.ec2``); ``detail`` is the record itself.
    """
    event_source = str(cloudtrail_record.get("eventSource", ""))
    prefix = event_source.split(".", 1)[0] if event_source else ""
    event_type = str(cloudtrail_record.get("eventType", "AwsApiCall"))
    identity = cloudtrail_record.get("userIdentity")
    account = cloudtrail_record.get("recipientAccountId")
    if account is None and isinstance(identity, Mapping):
        account = identity.get("accountId")
    return {
        "version": "0",
        "id": str(cloudtrail_record.get("eventID", "00000000-0000-0000-0000-000000000000")),
        "detail-type": _DETAIL_TYPES.get(event_type, "AWS API Call via CloudTrail"),
        "source": f"aws.{prefix}" if prefix else "aws",
        "account": str(account) if account is not None else "123456789012",
        "time": str(cloudtrail_record.get("eventTime", "2024-01-01T00:00:00Z")),
        "region": str(cloudtrail_record.get("awsRegion", "us-east-1")),
        "resources": [],
        "detail": dict(cloudtrail_record),
    }


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _has_token(v: object) -> bool:
    return isinstance(v, str) and _TOKEN_RE.search(v) is not None


def _literal(expected: object, value: object) -> Tri:
    if _is_number(expected):
        return _is_number(value) and float(value) == float(expected)  # type: ignore[arg-type]
    if expected is None or isinstance(expected, bool):
        return value is expected
    if isinstance(expected, str):
        if isinstance(value, str) and value == expected:
            return True
        return None if _has_token(expected) and isinstance(value, str) else False
    return None


def _string_operand(operand: object) -> tuple[str, bool] | None:
    """``"x"`` -> ("x", case-sensitive); ``{"equals-ignore-case": "x"}`` -> ("x", False)."""
    if isinstance(operand, str):
        return operand, True
    if isinstance(operand, Mapping) and set(operand) == {"equals-ignore-case"}:
        inner = operand["equals-ignore-case"]
        if isinstance(inner, str):
            return inner, False
    return None


def _wildcard(pattern: str, value: str) -> bool:
    return star_fullmatch(split_unescaped_stars(pattern), value)


def _numeric(spec: object, value: object) -> Tri:
    if not isinstance(spec, list) or not spec or len(spec) % 2 or len(spec) > 4:
        return None
    if not _is_number(value):
        return False
    checks: list[bool] = []
    for op, bound in zip(spec[::2], spec[1::2], strict=True):
        if not _is_number(bound):
            return None
        x, b = float(value), float(bound)  # type: ignore[arg-type]
        table = {"<": x < b, "<=": x <= b, "=": x == b, ">": x > b, ">=": x >= b}
        if op not in table:
            return None
        checks.append(table[op])
    return all(checks)


def _anything_but(operand: object, value: object) -> Tri:
    if isinstance(operand, list):
        if not operand:
            return None
        inner = _or([_literal(x, value) for x in operand])
    elif isinstance(operand, Mapping):
        if len(operand) != 1:
            return None
        inner = _condition(dict(operand), value)
    else:
        inner = _literal(operand, value)
    return None if inner is None else not inner


def _condition(condition: object, value: object) -> Tri:
    """One alternative of a leaf list against one present, non-object event value."""
    if not isinstance(condition, Mapping):
        return _literal(condition, value)
    if len(condition) != 1:
        return None
    ((op, operand),) = condition.items()
    if op in ("prefix", "suffix", "equals-ignore-case", "wildcard"):
        if op == "equals-ignore-case":
            spec = (operand, False) if isinstance(operand, str) else None
        elif op == "wildcard":
            spec = (operand, True) if isinstance(operand, str) else None
        else:
            spec = _string_operand(operand)
        if spec is None:
            return None
        text, case_sensitive = spec
        if not isinstance(value, str):
            return False
        if _has_token(text):
            return None
        a, b = (value, text) if case_sensitive else (value.lower(), text.lower())
        if op == "prefix":
            return a.startswith(b)
        if op == "suffix":
            return a.endswith(b)
        if op == "wildcard":
            return _wildcard(text, value)
        return a == b
    if op == "anything-but":
        return _anything_but(operand, value)
    if op == "numeric":
        return _numeric(operand, value)
    if op == "exists":
        if not isinstance(operand, bool):
            return None
        return operand  # the value is present here
    if op == "cidr":
        if not isinstance(operand, str) or not isinstance(value, str):
            return None if not isinstance(operand, str) else False
        try:
            network = ipaddress.ip_network(operand, strict=False)
            address = ipaddress.ip_address(value)
        except ValueError:
            return None if _has_token(operand) else False
        return address in network
    return None


def _leaf(conditions: list[Any], value: object) -> Tri:
    if not conditions:
        return None
    if value is _MISSING:
        results: list[Tri] = []
        for c in conditions:
            if isinstance(c, Mapping) and set(c) == {"exists"}:
                results.append(None if not isinstance(c["exists"], bool) else not c["exists"])
            elif isinstance(c, Mapping) and len(c) != 1:
                results.append(None)
            else:
                results.append(False)
        return _or(results)
    if isinstance(value, Mapping):
        return False  # leaf conditions apply to leaf values only
    if isinstance(value, list):
        if not value:
            return False
        return _or([_or([_condition(c, v) for c in conditions]) for v in value])
    return _or([_condition(c, value) for c in conditions])


def _match(pattern: Mapping[str, Any], event: object) -> Tri:
    # No depth cut-off here: the parsers refuse a pattern nested beyond max_nesting_depth
    # (a CT901 where it is decoded), so one that reaches this point is matched whole.
    if not pattern:
        return None
    results: list[Tri] = []
    for key in sorted(pattern):
        spec = pattern[key]
        if key == "$or":
            if not isinstance(spec, list) or len(spec) < 2:
                return None
            results.append(
                _or([_match(sub, event) if isinstance(sub, Mapping) else None for sub in spec])
            )
            continue
        value = event.get(key, _MISSING) if isinstance(event, Mapping) else _MISSING
        if isinstance(spec, Mapping):
            if value is _MISSING or not isinstance(value, Mapping):
                # A nested pattern on an absent object can still match {"exists": false}.
                results.append(_match_absent(spec))
            else:
                results.append(_match(spec, value))
        elif isinstance(spec, list):
            results.append(_leaf(spec, value))
        else:
            results.append(None)
        if results[-1] is False:
            return False
    return _and(results)


def _match_absent(pattern: Mapping[str, Any]) -> Tri:
    return _match(pattern, {})


def event_rule_matches(pattern: Mapping[str, Any], event: Mapping[str, Any]) -> Tri:
    """Whether an EventBridge ``pattern`` matches ``event`` (None: cannot tell)."""
    if not isinstance(pattern, Mapping) or not isinstance(event, Mapping):
        return None
    spellings = _DETAIL_TYPE_SPELLINGS.get(str(event.get("detail-type")), ())
    variants = [{**event, "detail-type": s} for s in spellings] if spellings else [event]
    try:
        results = {_match(pattern, variant) for variant in variants}
    except (TypeError, ValueError, RecursionError):
        return None
    return results.pop() if len(results) == 1 else None
