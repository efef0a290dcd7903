"""Decoding CloudFormation YAML/JSON: short-form tags, positions and hostile input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from scanner.parsers.cloudformation.decode import SHORT_TAGS, DecodeError, PosDict, decode


def test_every_short_form_tag_becomes_its_long_form() -> None:
    lines = [f"  k{i}: {tag} x" for i, tag in enumerate(SHORT_TAGS)]
    doc = decode("v:\n" + "\n".join(lines) + "\n")
    for i, (tag, key) in enumerate(SHORT_TAGS.items()):
        value = doc["v"][f"k{i}"]
        assert list(value) == [key], tag
        expected = ["x"] if tag == "!GetAtt" else "x"
        assert value[key] == expected, tag


def test_ref_and_condition_keep_their_bare_names() -> None:
    doc = decode("a: !Ref Bucket\nb: !Condition IsProd\n")
    assert doc["a"] == {"Ref": "Bucket"}
    assert doc["b"] == {"Condition": "IsProd"}


def test_getatt_dotted_and_list_forms_agree() -> None:
    doc = decode("a: !GetAtt Key.Arn\nb: !GetAtt [Key, Arn]\nc: !GetAtt Db.Endpoint.Address\n")
    assert doc["a"] == doc["b"] == {"Fn::GetAtt": ["Key", "Arn"]}
    assert doc["c"] == {"Fn::GetAtt": ["Db", "Endpoint.Address"]}


def test_tags_on_sequences_and_mappings_nest() -> None:
    doc = decode(
        "a: !If [Cond, !Sub '${AWS::Region}-x', !Ref AWS::NoValue]\n"
        "b: !Transform {Name: M, Parameters: {}}\n"
        "c: !Join ['', [a, !Select [0, !Split [',', 'x,y']]]]\n"
    )
    assert doc["a"] == {
        "Fn::If": ["Cond", {"Fn::Sub": "${AWS::Region}-x"}, {"Ref": "AWS::NoValue"}]
    }
    assert doc["b"] == {"Fn::Transform": {"Name": "M", "Parameters": {}}}
    assert doc["c"]["Fn::Join"][1][1] == {"Fn::Select": [0, {"Fn::Split": [",", "x,y"]}]}


def test_positions_of_keys_and_values_are_one_based() -> None:
    doc = decode(
        "Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n"
        "      IsLogging: true\n"
    )
    trail = doc["Resources"]["Trail"]
    assert isinstance(trail, PosDict)
    assert doc["Resources"].key_pos["Trail"][:2] == (2, 3)
    assert trail.key_pos["Type"][:2] == (3, 5)
    assert trail.val_pos["Type"][:2] == (3, 11)
    props = trail["Properties"]
    assert props.key_pos["IsLogging"][:2] == (5, 7)
    assert props.val_pos["IsLogging"] == (5, 18, 5, 22)


def test_scalar_types_follow_yaml_but_dates_stay_text() -> None:
    doc = decode("a: true\nb: 365\nc: '365'\nd: 2010-09-09\ne: null\nf: 1.5\non: x\n")
    assert doc["a"] is True and doc["b"] == 365 and doc["c"] == "365"
    assert doc["d"] == "2010-09-09"
    assert doc["e"] is None and doc["f"] == 1.5
    assert "on" in doc  # keys are text as written


def test_duplicate_keys_are_refused_naming_key_and_lines() -> None:
    with pytest.raises(DecodeError) as info:
        decode("Resources:\n  A:\n    Type: X\n  A:\n    Type: Y\n")
    assert "'A'" in info.value.message
    assert "line 2" in info.value.message and "line 4" in info.value.message
    assert info.value.line == 4


def test_json_duplicate_keys_are_refused_too() -> None:
    with pytest.raises(DecodeError, match="duplicate key 'a'"):
        decode('{"a": 1,\n "a": 2}')


def test_python_tags_are_refused_and_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"a: !!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(DecodeError, match="unsafe YAML tag"):
        decode(text)
    assert not marker.exists()


def test_unknown_tags_are_refused() -> None:
    with pytest.raises(DecodeError, match="unsupported YAML tag '!Foo'"):
        decode("a: !Foo bar\n")
    with pytest.raises(DecodeError, match="unsupported"):
        decode("a: !!set {x, y}\n")


def test_billion_laughs_is_refused_quickly() -> None:
    levels = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        refs = ",".join([f"*a{i - 1}"] * 9)
        levels.append(f"a{i}: &a{i} [{refs}]")
    start = time.monotonic()
    with pytest.raises(DecodeError, match="max_yaml_aliases"):
        decode("\n".join(levels) + "\n")
    assert time.monotonic() - start < 1.0


def test_a_few_aliases_are_fine() -> None:
    doc = decode("x: &t [1, 2]\ny: *t\nz: *t\n", max_aliases=5)
    assert doc["y"] == doc["z"] == [1, 2]


def test_nesting_depth_is_bounded() -> None:
    with pytest.raises(DecodeError, match="max_nesting_depth"):
        decode("a: " + "[" * 50 + "]" * 50, max_depth=20)
    deep = "[" * 100_000 + "]" * 100_000  # must not overflow any stack
    with pytest.raises(DecodeError):
        decode(deep)


def test_json_with_tabs_keeps_positions() -> None:
    doc = decode('{\n\t"Resources": {\n\t\t"B": {"Type": "AWS::S3::Bucket", "N": 1e3}\n\t}\n}')
    assert doc["Resources"]["B"]["N"] == 1000.0
    assert doc["Resources"].key_pos["B"][:2] == (3, 3)


def test_invalid_json_reports_line_and_column() -> None:
    with pytest.raises(DecodeError) as info:
        decode('{\n  "a": 1,\n  "b": }\n')
    assert info.value.line == 3 and "invalid JSON" in info.value.message


def test_syntax_error_reports_line() -> None:
    with pytest.raises(DecodeError) as info:
        decode("a:\n  b: [1, 2\nc: 3\n")
    assert info.value.line >= 2 and "syntax error" in info.value.message


def test_merge_keys_and_second_documents_are_refused() -> None:
    with pytest.raises(DecodeError, match="merge keys"):
        decode("a: &x {k: 1}\nb:\n  <<: *x\n")
    with pytest.raises(DecodeError, match="more than one YAML document"):
        decode("a: 1\n---\nb: 2\n")


def test_json_surrogate_pair_escapes_decode() -> None:
    assert decode('{"a": "\\ud83d\\ude00 ok", "b": "\\\\ud83d"}') == {"a": "😀 ok", "b": "\\ud83d"}


def test_arbitrary_text_only_ever_raises_decode_error() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    alphabet = st.sampled_from(list("ab:-[]{},&*!|>'\"\n #%@`\t\\0x.") + ["!Ref ", "!!int ", "<<"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(alphabet, max_size=40).map("".join))
    def check(text: str) -> None:
        try:
            decode(text, max_aliases=20, max_depth=10)
        except DecodeError:
            pass

    check()
