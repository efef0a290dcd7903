"""Property tests: the front ends and engines never raise on arbitrary input.

Bounded (``max_examples=100``) so they run in CI; ``benchmarks/fuzz.py`` is the
open-ended version.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.analysis import iam
from scanner.analysis.filter_pattern import FilterPatternError, parse
from scanner.limits import Limits
from scanner.model import Condition, Model, PolicyDocument, Principal, Span, Statement
from scanner.parsers.cloudformation import load_cloudformation, looks_like_template
from scanner.parsers.terraform import load_terraform
from scanner.parsers.terraform.expressions import Evaluator, Scope
from scanner.parsers.terraform.templates import parse_expression
from scanner.parsers.terraform.values import UnknownValue

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

TF_SNIPPETS = [
    (ROOT / "samples/terraform/CT008/fail/main.tf").read_text(),
    (ROOT / "tests/bad_inputs/tf_self_ref_locals.tf").read_text(),
    (ROOT / "tests/bad_inputs/tf_count_unknown_var.tf").read_text(),
]
CFN_SNIPPETS = [
    (ROOT / "samples/cloudformation/CT008/fail.yaml").read_text(),
    (ROOT / "tests/bad_inputs/cfn_trail_wrong_types.yaml").read_text(),
]
TOKENS = ["{", "}", "[", "]", '"', "${", "%{", "<<EOF\n", "!Ref ", "*a", "&a ", "\t", "\x00",
          ": ", "- ", "=", "local.", "var.", "count.index", "Fn::Sub", "\n"]


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


@SETTINGS
@given(_texts(TF_SNIPPETS))
def test_terraform_front_end_never_raises(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        unit = Path(tmp)
        (unit / "main.tf").write_text(text, encoding="utf-8", errors="surrogatepass")
        assert isinstance(load_terraform(unit, unit, limits=Limits()), Model)


@SETTINGS
@given(_texts(CFN_SNIPPETS))
def test_cloudformation_front_end_never_raises(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "template.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        looks_like_template(text)
        result = load_cloudformation(path, Path(tmp), limits=Limits())
        assert result is None or isinstance(result, Model)


EXPRESSIONS = ['"a-${var.x}"', "[1, 2, 3][0]", "{a = 1}.a", "length([1])", "true ? 1 : 2",
               "[for x in [1,2]: x * 2]", 'jsonencode({"a" = [1]})', "1 + 2 * 3"]


@SETTINGS
@given(_texts(EXPRESSIONS))
def test_expression_evaluator_never_raises(text: str) -> None:
    try:
        node = parse_expression(text)
    except Exception:  # noqa: BLE001 - the parser may refuse; only evaluation is tested
        return
    value = Evaluator(max_depth=200).evaluate(node, Scope())
    assert value is None or isinstance(value, (str, int, float, bool, list, dict, tuple,
                                               UnknownValue))


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


@SETTINGS
@given(st.lists(_statement, max_size=5), _words, _words, st.one_of(st.none(), _words),
       st.dictionaries(_words, _words, max_size=3))
def test_iam_evaluate_never_raises(statements: list[Statement], action: str, resource: str,
                                   service: str | None, context: dict[str, str]) -> None:
    document = PolicyDocument(statements=tuple(statements), span=Span(path="p.json"))
    request = iam.Request(principal_service=service, action=action, resource=resource,
                          context=context)
    decision = iam.evaluate(document, request)
    assert decision.allowed in (None, True, False)


PATTERNS = ['{ ($.eventName = "ConsoleLogin") && ($.errorMessage = "Failed*") }',
            '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS }',
            '[ip, user, ..., status = 4*]', '"ERROR"', "?ERROR ?WARN", '{ !($.x = 1) || $.y != 2 }']


@SETTINGS
@given(_texts(PATTERNS))
def test_filter_pattern_raises_only_its_error(text: str) -> None:
    try:
        parse(text)
    except FilterPatternError:
        pass
