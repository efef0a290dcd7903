"""The evaluation budget as the CloudFormation resolver charges it (issue 12, part B).

Each hostile construct is measured by what it costs in budget counters (values resolved,
characters and elements built), never by wall-clock time: a linear resolver stays within
a small multiple of the template's size, the old quadratic or exponential one is orders of
magnitude over it. The constructs that would hang run under the hang guard of
``tests/guards.py``, so a regression is a failure, not a stuck CI. Whole scans of these
inputs (CT901 with the line, the other units still checked) are in ``tests/bad_inputs``.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

from guards import run_guarded
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.limits import Budget, Limits
from scanner.model import Model, Origin
from scanner.parsers.cloudformation import load_cloudformation
from scanner.parsers.cloudformation.decode import DecodeError, decode
from scanner.parsers.cloudformation.intrinsics import Resolver, _json_length

HEAD = 'AWSTemplateFormatVersion: "2010-09-09"\n'
UNLIMITED = Limits(max_values=10**12, max_string_bytes=10**12, max_elements=10**12)


def load(tmp_path: Path, text: str, name: str = "template.yaml", limits: Limits | None = None) -> Model:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    model = load_cloudformation(path, tmp_path, limits=limits)
    assert model is not None
    return model


def resolver(text: str, limits: Limits = UNLIMITED) -> Resolver:
    return Resolver(path="template.yaml", template=decode(text), budget=Budget(limits))


def budget_problems(model: Model) -> list[tuple[str, int | None, str]]:
    return [(p.span.path, p.span.line, p.message) for p in model.problems
            if "evaluation budget exceeded" in p.message]


# ---------------------------------------------------------------------------
# Whatever can be shared is resolved once
# ---------------------------------------------------------------------------


def select_chain(links: int) -> str:
    """Bucket i is named ``Fn::Select [0, [Ref i-1, Ref i-1]]``: the name never grows, but
    resolving each Ref again doubles the work per link (2^60 here)."""
    out = [HEAD, "Resources:\n  B0:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: base\n"]
    out.extend(f"  B{i}:\n    Type: AWS::S3::Bucket\n    Properties:\n"
               f"      BucketName: !Select [0, [!Ref B{i - 1}, !Ref B{i - 1}]]\n" for i in range(1, links))
    return "".join(out)


def _name_chain_cost(links: int) -> tuple[object, int]:
    r = resolver(select_chain(links))
    name = r.physical_name(f"B{links - 1}")
    return name, r.budget.values


def test_names_are_resolved_once_per_resource() -> None:
    links = 60
    name, values = run_guarded(_name_chain_cost, links)
    assert name == "base"
    assert values <= 4 * links  # linear: one Select, one list and two Refs per link


def _parameter_chain_cost(links: int) -> tuple[object, int]:
    out = [HEAD, "Parameters:\n  P0:\n    Type: String\n    Default: base\n"]
    out.extend(f"  P{i}:\n    Type: String\n    Default: !Select [0, [!Ref P{i - 1}, !Ref P{i - 1}]]\n"
               for i in range(1, links))
    out.append("Resources:\n  B:\n    Type: AWS::S3::Bucket\n")
    r = resolver("".join(out))
    return r.parameter(f"P{links - 1}"), r.budget.values


def test_parameters_are_resolved_once() -> None:
    value, values = run_guarded(_parameter_chain_cost, 60)
    assert value == "base"
    assert values <= 4 * 60


def test_a_name_handed_out_again_is_charged_whole() -> None:
    """A memoised name is shared in memory, but each Ref to it is charged its length: the
    budget counts what every later reader would walk."""
    r = resolver(HEAD + "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n"
                 f"      BucketName: {'n' * 1000}\n")
    r.physical_name("B")
    before = r.budget.string_bytes
    for _ in range(10):
        r.ref("B")
    assert r.budget.string_bytes - before == 10 * 1000


def _nested_output_cost(references: int) -> tuple[list[object], int, int, int]:
    items = "".join("          - x\n" for _ in range(100))
    child_text = (HEAD + "Resources:\n  B:\n    Type: AWS::S3::Bucket\n"
                  "Outputs:\n  Name:\n    Value:\n      Fn::Join:\n        - ''\n        -\n" + items)
    budget = Budget(UNLIMITED)
    child = Resolver(path="child.yaml", template=decode(child_text), prefix="Child.", budget=budget)
    uses = "".join("        - !GetAtt Child.Outputs.Name\n" for _ in range(references))
    parent_text = (HEAD + "Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n"
                   "    Properties:\n      TemplateURL: ./child.yaml\n"
                   "  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags:\n" + uses)
    parent = Resolver(path="parent.yaml", template=decode(parent_text), budget=budget)
    parent.stacks["Child"] = child
    tags = parent.resolve(parent.properties("B")["Tags"])
    return list(tags), budget.values, budget.elements, budget.string_bytes


def test_a_nested_stack_output_is_resolved_once_and_charged_on_reuse() -> None:
    tags, values, elements, chars = run_guarded(_nested_output_cost, 200)
    assert tags == ["x" * 100] * 200
    assert values <= 3 + 2 * 200  # the output's Fn::Join once, then one GetAtt per use
    assert elements <= 100 + 200  # its 100 items once, and the parent's list
    assert chars == 200 * 100  # built once, then every reuse charged its size


# ---------------------------------------------------------------------------
# Fn::If, Fn::FindInMap
# ---------------------------------------------------------------------------


def nested_if(depth: int, *, equal: bool) -> str:
    expr = "abcdefgh"
    for _ in range(depth):
        expr = f"{{'Fn::If': [Unknown, {expr}, {expr if equal else 'other'}]}}"
    return (HEAD + "Parameters:\n  Env:\n    Type: String\n"
            "Conditions:\n  Unknown: !Equals [!Ref Env, prod]\n"
            "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n"
            f"      BucketName: {expr}\n")


def _nested_if_cost(depth: int, equal: bool) -> tuple[object, object, int]:
    r = resolver(nested_if(depth, equal=equal))
    raw = r.properties("B")["BucketName"]
    resolved = r.resolve(raw)
    shown = r.shallow(raw)
    return str(resolved), str(shown), r.budget.values


def test_nested_fn_if_with_equal_branches_resolves_each_branch_once() -> None:
    """An unknown condition: both branches are resolved to compare them, and the value
    kept (it used to resolve the chosen branch again: 3^depth for 2^depth leaves)."""
    depth = 12
    resolved, shown, values = run_guarded(_nested_if_cost, depth, True)
    assert resolved == "abcdefgh"
    assert shown == "abcdefgh"
    leaves = 2**depth
    # resolve: one per Fn::If and its list; shallow: the same once more per level
    assert values <= 2 * leaves + depth * 2 * leaves // 2


def test_deeply_nested_fn_if_is_linear() -> None:
    depth = 90  # each level is a mapping and a list: just within max_nesting_depth 200
    resolved, _, values = run_guarded(_nested_if_cost, depth, False)
    assert "Fn::If: condition Unknown cannot be evaluated statically" in resolved
    assert values <= 4 * depth


def test_nested_fn_if_over_the_depth_limit_is_a_ct901(tmp_path: Path) -> None:
    model = load(tmp_path, nested_if(110, equal=False))
    (problem,) = model.problems
    assert problem.span.line == 11
    assert "max_nesting_depth" in problem.message


def findinmap_fanout(depth: int) -> str:
    out = [HEAD, "Mappings:\n  Names:\n    K0:\n      Name: abcdefgh\n      List: [a, b]\n"]
    out.extend(f"    K{i}:\n      Name: !Join ['', [!FindInMap [Names, K{i - 1}, Name], "
               f"!FindInMap [Names, K{i - 1}, Name]]]\n" for i in range(1, depth))
    out.append("Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n"
               "      S3BucketName: !FindInMap [Names, K0, Name]\n      IsLogging: true\n"
               "      EventSelectors:\n        - DataResources:\n            - Type: AWS::S3::Object\n"
               "              Values: !FindInMap [Names, K0, List]\n"
               "  Fanned:\n    Type: AWS::S3::Bucket\n    Properties:\n"
               f"      BucketName: !FindInMap [Names, K{depth - 1}, Name]\n")
    return "".join(out)


def _findinmap_cost(depth: int) -> tuple[str, int]:
    r = resolver(findinmap_fanout(depth))
    value = r.resolve(r.properties("Fanned")["BucketName"])
    return str(value), r.budget.values


def test_findinmap_takes_mappings_values_literally() -> None:
    """CloudFormation accepts no function in Mappings: an entry is not resolved, so
    entries naming other entries cannot fan out (2^40 lookups here)."""
    value, values = run_guarded(_findinmap_cost, 40)
    assert "Mappings entry Names/K39/Name is not a string or a list of strings" in value
    assert values <= 5


def test_findinmap_entry_with_a_function_is_a_ct901_at_the_entry(tmp_path: Path) -> None:
    model = load(tmp_path, findinmap_fanout(5))
    trail, = model.trails
    assert trail.s3_bucket_name.value == "abcdefgh"  # literal entries still resolve
    assert [(p.span.line, p.message) for p in model.problems] == [
        (14, "Mappings entry Names/K4/Name is not a string or a list of strings "
             "(CloudFormation rejects this template); Fn::FindInMap of it is UNKNOWN"),
    ]
    (bucket,) = model.buckets
    assert bucket.name.origin is Origin.UNKNOWN


# ---------------------------------------------------------------------------
# Over the budget: CT901 at the line, UNKNOWN after it, once per limit
# ---------------------------------------------------------------------------


def join_doubling(links: int) -> str:
    out = [HEAD, "Resources:\n",
           "  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n"
           "      S3BucketName: audit-logs\n      IsLogging: true\n",
           "  B0:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: abcdefgh\n"]
    out.extend(f"  B{i}:\n    Type: AWS::S3::Bucket\n    Properties:\n"
               f"      BucketName: !Join ['', [!Ref B{i - 1}, !Ref B{i - 1}]]\n" for i in range(1, links))
    return "".join(out)


def test_doubling_join_is_a_ct901_at_the_link_that_crosses_max_string_bytes(tmp_path: Path) -> None:
    model = load(tmp_path, join_doubling(30), limits=Limits(max_string_bytes=100_000))
    names = [b.name for b in model.buckets]
    first_unknown = next(i for i, n in enumerate(names) if n.origin is Origin.UNKNOWN)
    assert all(n.value == "abcdefgh" * 2**i for i, n in enumerate(names[:first_unknown]))
    assert all(n.origin is Origin.UNKNOWN and "max_string_bytes" in n.reason
               for n in names[first_unknown:])
    # Each link is charged its two Refs and the string it joins: 8 x 2^i x 2 characters
    # for link i, so the budget is crossed well before a name is 100,000 characters.
    assert 8 * 2**first_unknown <= 100_000
    (problem,) = model.problems  # reported once, though every later name is over it
    # At the Fn::Join that crossed it: that link's, or the one before (the record reads a
    # name from its property; a Ref resolves it once more for the next link).
    assert problem.span.line in (11 + 4 * (first_unknown - 1), 11 + 4 * first_unknown)
    assert re.fullmatch(
        r"evaluation budget exceeded: strings built would reach \d+ characters \(limit "
        r"max_string_bytes = 100000; raise it in \[tool\.trailscan\.limits\]\); "
        r"the value is not checked", problem.message)
    (trail,) = model.trails  # built first, unrelated: still checked
    assert trail.s3_bucket_name.value == "audit-logs" and trail.enable_logging.value is True


def test_max_values_is_a_ct901_at_the_innermost_intrinsic(tmp_path: Path) -> None:
    model = load(tmp_path, select_chain(40), limits=Limits(max_values=30))
    (path, line, message) = budget_problems(model)[0]
    assert len(budget_problems(model)) == 1
    assert path == "template.yaml" and line is not None
    assert "(limit max_values = 30;" in message
    assert (line - 6) % 4 == 0  # a BucketName line of the chain


def test_an_arn_asked_for_by_the_records_is_reported_at_its_resource(tmp_path: Path) -> None:
    """Outside any expression (a topic's own ARN, built for the record), the CT901 is at
    the resource's logical id."""
    model = load(tmp_path, HEAD + "Resources:\n  Alerts:\n    Type: AWS::SNS::Topic\n"
                 f"    Properties:\n      TopicName: {'t' * 2000}\n",
                 limits=Limits(max_string_bytes=1000))
    [(path, line, message)] = budget_problems(model)
    assert (path, line) == ("template.yaml", 3)
    (topic,) = model.topics
    assert topic.arn.origin is Origin.UNKNOWN and "max_string_bytes" in topic.arn.reason


def test_to_json_string_is_charged_before_it_is_built(tmp_path: Path) -> None:
    items = "".join(f"          k{i}: {'v' * 1000}\n" for i in range(20))
    model = load(tmp_path, HEAD + "Resources:\n  Rule:\n    Type: AWS::Events::Rule\n"
                 "    Properties:\n      EventPattern:\n        Fn::ToJsonString:\n" + items,
                 limits=Limits(max_string_bytes=10_000))
    [(_, line, message)] = budget_problems(model)
    assert line == 7  # the Fn::ToJsonString
    assert "would reach 20" in message  # its whole JSON text, charged before json.dumps


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_json_length_bounds_what_json_dumps_writes(value: object) -> None:
    text = json.dumps(value, separators=(",", ":"))
    assert _json_length(value) >= len(text)
    if text.isascii() and all(s.isascii() for s in _strings(value)):
        assert _json_length(value) == len(text)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [*value, *(s for v in value.values() for s in _strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


# ---------------------------------------------------------------------------
# One budget for the templates of a unit
# ---------------------------------------------------------------------------


def test_nested_templates_share_the_unit_budget(tmp_path: Path) -> None:
    """Parent and child each join six Refs to a 1,000-character parameter: 11,000
    characters each (five reuses and the 6,000 joined), 22,000 in all. Under a 15,000
    limit each would fit alone; the child, built second, crosses it, and the CT901 is in
    its own file, at its line."""
    name = "!Join ['', [" + ", ".join(["!Ref Part"] * 6) + "]]"
    part = "Parameters:\n  Part:\n    Type: String\n    Default: " + "p" * 1000 + "\n"
    child = load(tmp_path, HEAD + part + "Resources:\n  Child:\n    Type: AWS::S3::Bucket\n"
                 f"    Properties:\n      BucketName: {name}\n", name="child.yaml",
                 limits=Limits(max_string_bytes=15_000))
    assert budget_problems(child) == []
    parent = (HEAD + part + "Resources:\n  Nested:\n    Type: AWS::CloudFormation::Stack\n"
              "    Properties:\n      TemplateURL: ./child.yaml\n"
              f"  Own:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: {name}\n")
    both = load(tmp_path, parent, name="parent.yaml", limits=Limits(max_string_bytes=30_000))
    assert budget_problems(both) == []
    model = load(tmp_path, parent, name="parent.yaml", limits=Limits(max_string_bytes=15_000))
    [(path, line, _)] = budget_problems(model)
    assert (path, line) == ("child.yaml", 10)
    own, child = sorted(model.buckets, key=lambda b: b.ref, reverse=True)
    assert own.ref == "Own" and own.name.value == "p" * 6000
    assert child.ref == "Nested.Child" and child.name.origin is Origin.UNKNOWN


def test_nested_stack_fanout_is_refused_once_per_template_url(tmp_path: Path) -> None:
    """Each level nests the next template twice: 2^10 stacks. The unit takes stacks
    while they fit max_unit_instances; every TemplateURL that was refused is one CT901,
    however many times its template was reached."""
    for level in range(10):
        stacks = "".join(f"  S{k}:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n"
                         f"      TemplateURL: ./t{level + 1}.yaml\n" for k in "AB")
        (tmp_path / f"t{level}.yaml").write_text(HEAD + "Resources:\n" + stacks
                                                 + "  Bucket:\n    Type: AWS::S3::Bucket\n")
    (tmp_path / "t10.yaml").write_text(HEAD + "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n")
    model = load_cloudformation(tmp_path / "t0.yaml", tmp_path, limits=Limits(max_unit_instances=200))
    assert model is not None
    spans = [(p.span.path, p.span.line) for p in model.problems]
    assert spans and all("max_unit_instances = 200" in p.message for p in model.problems)
    assert len(spans) == len(set(spans))  # once per TemplateURL
    assert len(model.buckets) <= 200


# ---------------------------------------------------------------------------
# YAML aliases and JSON text nested too deeply
# ---------------------------------------------------------------------------


def alias_bomb(aliases: int, scalar: int) -> str:
    return (HEAD + "Metadata:\n  Notes:\n    - &big " + "q" * scalar + "\n" + "    - *big\n" * aliases
            + "Resources:\n  B:\n    Type: AWS::S3::Bucket\n")


def test_alias_expansion_is_limited_by_the_max_string_bytes_setting(tmp_path: Path) -> None:
    """The decoder's alias size limit is the max_string_bytes setting, and its message
    names that setting (a key [tool.trailscan.limits] accepts)."""
    assert "max_string_bytes" in Limits.keys() and "max_alias_bytes" not in Limits.keys()
    text = alias_bomb(900, 1000)
    try:
        decode(text, max_alias_bytes=50_000)
    except DecodeError as exc:
        assert exc.line == 4 + 50  # 50 x 1,001 characters fit; the 50th alias crosses
        assert exc.message == ("YAML aliases expand to more than 50000 characters and values "
                               "(limit max_string_bytes = 50000; raise it in [tool.trailscan.limits])")
    else:
        raise AssertionError("the alias bomb was decoded")
    model = load(tmp_path, text, limits=Limits(max_string_bytes=50_000))
    [(line, message)] = [(p.span.line, p.message) for p in model.problems]
    assert line == 54 and "max_string_bytes = 50000" in message
    assert decode(alias_bomb(10, 1000), max_alias_bytes=50_000)["Metadata"]["Notes"][10] == "q" * 1000


def test_json_text_nested_too_deeply_is_a_ct901_not_a_lost_template(tmp_path: Path) -> None:
    deep = "[" * 50_000 + "]" * 50_000
    model = load(tmp_path, HEAD + "Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n"
                 "    Properties:\n      S3BucketName: logs\n      IsLogging: true\n"
                 f"  Rule:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern: '{deep}'\n"
                 "  Logs:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: logs\n"
                 "  Policy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: logs\n"
                 f"      PolicyDocument: '{deep}'\n")
    assert sorted((p.span.line, p.message) for p in model.problems) == [
        (11, "EventPattern is JSON nested too deeply to decode; it is not checked"),
        (20, "the policy document is JSON nested too deeply to decode; it is not checked"),
    ]
    assert len(model.trails) == 1
    (rule,) = model.event_rules
    assert rule.pattern.origin is Origin.UNKNOWN


def test_event_pattern_deeper_than_max_nesting_depth_is_a_ct901(tmp_path: Path) -> None:
    pattern = '{"detail": ' * 250 + '{"a": ["b"]}' + "}" * 250
    model = load(tmp_path, HEAD + "Resources:\n  Rule:\n    Type: AWS::Events::Rule\n"
                 f"    Properties:\n      EventPattern: '{pattern}'\n")
    [(line, message)] = [(p.span.line, p.message) for p in model.problems]
    assert line == 6
    assert message == ("EventPattern nests deeper than 200 levels (limit max_nesting_depth = 200; "
                       "raise it in [tool.trailscan.limits]); the pattern is not checked")
