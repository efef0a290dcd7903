"""Property tests: the front ends and engines never raise on arbitrary input, and each
input stays within a time and memory bound.

Every example runs in a child process under the hang guard of ``tests/guards.py``
(``PER_INPUT``: CPU seconds, extra address space, wall clock): generous limits that a
linear scanner never approaches and a backtracking or quadratic one crosses on the first
hostile input. Bounded (``max_examples=100``) so they run in CI; ``benchmarks/fuzz.py`` is
the open-ended version with the same bounds.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from guards import run_guarded
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.analysis import iam
from scanner.analysis.event_pattern import as_eventbridge_event, event_rule_matches
from scanner.analysis.filter_pattern import FilterPatternError, matches, parse
from scanner.engine import evaluate, load_policies
from scanner.limits import Limits
from scanner.model import Condition, Model, PolicyDocument, Principal, Span, Statement
from scanner.parsers.cloudformation import load_cloudformation, looks_like_template
from scanner.parsers.terraform import load_terraform
from scanner.parsers.terraform.expressions import Evaluator, Scope
from scanner.parsers.terraform.templates import parse_expression
from scanner.parsers.terraform.values import UnknownValue, decimal_number, number_literal

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
# Per-input bounds (hang guards, not speed targets).
PER_INPUT: dict[str, Any] = {"cpu_seconds": 10, "memory_bytes": 1024**3, "wall_seconds": 60}
POLICIES = load_policies()

TF_SNIPPETS = [
    (ROOT / "samples/terraform/CT008/fail/main.tf").read_text(),
    (ROOT / "tests/bad_inputs/tf_self_ref_locals.tf").read_text(),
    (ROOT / "tests/bad_inputs/tf_count_unknown_var.tf").read_text(),
    (ROOT / "tests/bad_inputs/tf_redos_patterns.tf").read_text(),
]
CFN_SNIPPETS = [
    (ROOT / "samples/cloudformation/CT008/fail.yaml").read_text(),
    (ROOT / "tests/bad_inputs/cfn_trail_wrong_types.yaml").read_text(),
    (ROOT / "tests/bad_inputs/cfn_redos_event_pattern.yaml").read_text(),
]
TOKENS = ["{", "}", "[", "]", '"', "${", "%{", "<<EOF\n", "!Ref ", "*a", "&a ", "\t", "\x00",
          ": ", "- ", "=", "local.", "var.", "count.index", "Fn::Sub", "\n"]


def _warm_up() -> None:
    """Build the parsers' lazily made tables (the HCL grammar) once in this process, so
    that every forked child inherits them instead of rebuilding them per example."""
    parse_expression("1")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "main.tf").write_text(TF_SNIPPETS[0])
        load_terraform(Path(tmp), Path(tmp), limits=Limits())
        (Path(tmp) / "t.yaml").write_text(CFN_SNIPPETS[0])
        load_cloudformation(Path(tmp) / "t.yaml", Path(tmp), limits=Limits())


_warm_up()


@st.composite
def mutated(draw: st.DrawFn, seeds: list[str]) -> str:
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(0, 6))):
        pos = draw(st.integers(0, len(text)))
        action = draw(st.integers(0, 2))
        if action == 0:
            text = text[:pos] + draw(st.sampled_from(TOKENS)) + text[pos:]
        elif action == 1:
            text = text[:pos] + text[pos + draw(st.integers(1, 40)):]
        else:
            text = text[:pos] + draw(st.text(max_size=20)) + text[pos:]
    return text


def _texts(seeds: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.text(max_size=400), mutated(seeds))


def _policies_over(model: Model) -> int:
    """Every policy over the model (the filter, event-pattern and IAM matchers run here):
    none raises, so there is no CT900."""
    result = evaluate(POLICIES, model)
    assert not [f for f in result.findings if f.id == "CT900"], result.findings
    return len(result.evaluations)


def _terraform(text: str) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        unit = Path(tmp)
        (unit / "main.tf").write_text(text, encoding="utf-8", errors="surrogatepass")
        model = load_terraform(unit, unit, limits=Limits())
        assert isinstance(model, Model)
        _policies_over(model)
    return True


@SETTINGS
@given(_texts(TF_SNIPPETS))
def test_terraform_front_end_never_raises(text: str) -> None:
    assert run_guarded(_terraform, text, **PER_INPUT)


def _cloudformation(text: str) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "template.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        looks_like_template(text)
        result = load_cloudformation(path, Path(tmp), limits=Limits())
        assert result is None or isinstance(result, Model)
        if result is not None:
            _policies_over(result)
    return True


@SETTINGS
@given(_texts(CFN_SNIPPETS))
def test_cloudformation_front_end_never_raises(text: str) -> None:
    assert run_guarded(_cloudformation, text, **PER_INPUT)


EXPRESSIONS = ['"a-${var.x}"', "[1, 2, 3][0]", "{a = 1}.a", "length([1])", "true ? 1 : 2",
               "[for x in [1,2]: x * 2]", 'jsonencode({"a" = [1]})', "1 + 2 * 3"]


def _expression(text: str) -> bool:
    try:
        node = parse_expression(text)
    except Exception:  # noqa: BLE001 - the parser may refuse; only evaluation is tested
        return True
    value = Evaluator(max_depth=200).evaluate(node, Scope())
    return value is None or isinstance(value, (str, int, float, bool, list, dict, tuple,
                                               UnknownValue))


@SETTINGS
@given(_texts(EXPRESSIONS))
def test_expression_evaluator_never_raises(text: str) -> None:
    assert run_guarded(_expression, text, **PER_INPUT)


_words = st.sampled_from(["*", "s3:*", "s3:PutObject", "s3:Get*", "kms:GenerateDataKey*",
                          "arn:aws:s3:::b/*", "arn:aws:s3:::b", "?", "", "cloudtrail.amazonaws.com",
                          "arn:aws:iam::123456789012:root", "${aws:SourceArn}"]) | st.text(max_size=12)
_ops = st.sampled_from(["StringEquals", "StringLike", "ArnLike", "ArnEquals", "Bool", "Null",
                        "StringEqualsIfExists", "ForAnyValue:StringLike", "ForAllValues:StringEquals",
                        "NumericLessThan", "IpAddress", "Bogus"]) | st.text(max_size=10)
_tuple_or_none = st.none() | st.lists(_words, max_size=3).map(tuple)
_statement = st.builds(
    Statement,
    effect=st.sampled_from(["Allow", "Deny", "allow", "Maybe"]),
    principals=st.none() | st.lists(
        st.builds(Principal, kind=st.sampled_from(["AWS", "Service", "*", "Federated"]),
                  value=_words), max_size=3).map(tuple),
    not_principals=st.none(),
    actions=_tuple_or_none,
    not_actions=_tuple_or_none,
    resources=_tuple_or_none,
    not_resources=_tuple_or_none,
    conditions=st.lists(st.builds(Condition, operator=_ops, key=_words,
                                  values=st.lists(_words, max_size=3).map(tuple)),
                        max_size=3).map(tuple),
    span=st.just(Span(path="p.json")),
    unknown=st.lists(st.text(max_size=5), max_size=1).map(tuple),
)


def _iam(document: PolicyDocument, request: iam.Request) -> object:
    return iam.evaluate(document, request).allowed


@SETTINGS
@given(st.lists(_statement, max_size=5), _words, _words, st.one_of(st.none(), _words),
       st.dictionaries(_words, _words, max_size=3))
def test_iam_evaluate_never_raises(statements: list[Statement], action: str, resource: str,
                                   service: str | None, context: dict[str, str]) -> None:
    document = PolicyDocument(statements=tuple(statements), span=Span(path="p.json"))
    request = iam.Request(principal_service=service, action=action, resource=resource,
                          context=context)
    assert run_guarded(_iam, document, request, **PER_INPUT) in (None, True, False)


PATTERNS = ['{ ($.eventName = "ConsoleLogin") && ($.errorMessage = "Failed*") }',
            '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS }',
            '[ip, user, ..., status = 4*]', '"ERROR"', "?ERROR ?WARN", '{ !($.x = 1) || $.y != 2 }',
            # hostile: star runs (JSON value and regex), a nested quantifier, a term regex
            '{ $.eventName = "a' + "*" * 14 + 'Z" }', "{ $.eventName = %" + "\\w*" * 14 + "!% }",
            "{ $.eventName = %(a+)+$% }", "%" + "[a-z]*" * 12 + "#%"]
# The CloudTrail records the monitoring policies test filters and rules against.
SAMPLE_EVENTS = tuple(
    sample
    for spec in load_policies()
    for sample in getattr(sys.modules[spec.module], "EVENTS", ())
)


def _filter_pattern(text: str) -> bool:
    try:
        node = parse(text)
    except FilterPatternError:
        return True
    return all(matches(node, event) in (True, False, None) for event in SAMPLE_EVENTS)


@SETTINGS
@given(_texts(PATTERNS))
def test_filter_pattern_raises_only_its_error(text: str) -> None:
    assert run_guarded(_filter_pattern, text, **PER_INPUT)


_leaf_string = st.one_of(
    st.sampled_from(["*", "Delete*", "*Group", "a" + "*" * 20 + "Z", "\\*", "${x}", "10.0.0.0/8"]),
    st.text(alphabet="aZ*\\?", max_size=30),
)
_condition = st.one_of(
    _leaf_string, st.integers(), st.booleans(), st.none(),
    st.builds(lambda op, v: {op: v},
              st.sampled_from(["wildcard", "prefix", "suffix", "equals-ignore-case", "anything-but",
                               "exists", "cidr", "numeric", "bogus"]),
              st.one_of(_leaf_string, st.booleans(), st.lists(_leaf_string, max_size=3),
                        st.lists(st.one_of(st.sampled_from([">", "<="]), st.integers()), max_size=4))),
)
_event_patterns = st.recursive(
    st.lists(_condition, max_size=4),
    lambda inner: st.dictionaries(
        st.sampled_from(["source", "detail", "eventName", "eventSource", "$or", "userIdentity", "type"]),
        inner, max_size=3),
    max_leaves=12,
).filter(lambda p: isinstance(p, dict))


def _event_pattern(pattern: dict[str, Any]) -> bool:
    return all(event_rule_matches(pattern, as_eventbridge_event(event)) in (True, False, None)
               for event in SAMPLE_EVENTS)


@SETTINGS
@given(_event_patterns)
def test_event_pattern_matching_is_bounded(pattern: dict[str, Any]) -> None:
    assert run_guarded(_event_pattern, pattern, **PER_INPUT)


@given(st.text(alphabet="0123456789", min_size=1, max_size=30).flatmap(
    lambda digits: st.sampled_from([digits, " " + digits + "\n", "0" * 4100 + digits, digits * 200])
))
def test_whole_numbers_read_without_decimal_as_with_it(text: str) -> None:
    """``number_literal`` reads plain whole numbers itself (``decimal`` costs every run 2 ms
    to import): exactly what the decimal reading gives, too-large numbers included."""
    fast, exact = number_literal(text), decimal_number(text)
    if isinstance(exact, UnknownValue):
        assert isinstance(fast, UnknownValue) and fast.reason == exact.reason
    else:
        assert type(fast) is type(exact) and fast == exact
