"""The Terraform outline: top-level blocks found by an exact lexer, never by a regex."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.model import ParseProblem
from scanner.parsers.terraform.hcl import read_source
from scanner.parsers.terraform.outline import outline_file, outline_text, tokens

ROOT = Path(__file__).resolve().parent.parent


def _terraform_files() -> list[Path]:
    out = []
    for top in ("samples", "tests", "examples"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and path.name.endswith((".tf", ".tf.json")):
                out.append(path)
    return out


def test_blocks_agree_with_python_hcl2_on_every_file_of_the_repository() -> None:
    """Same top-level blocks, labels and line spans as the full grammar, and the same
    module sources, on every .tf/.tf.json file the project holds; a file the grammar
    rejects is one the outline reports a problem for."""
    compared = 0
    for path in _terraform_files():
        outline = outline_file(path, 10 * 1024 * 1024)
        parsed = read_source(path, path.name, 10 * 1024 * 1024)
        if isinstance(parsed, ParseProblem):
            if "utf-8" not in parsed.message.lower():
                assert outline.problems, f"{path}: python-hcl2 fails ({parsed.message}), the outline does not"
            continue
        assert not outline.problems, (path, outline.problems)
        mine = [(b.type, b.labels, b.line, b.end_line) for b in outline.blocks]
        theirs = [(b.type, b.labels, b.span.line, b.span.end_line) for b in parsed.body.blocks]
        assert mine == theirs, path
        for block, outlined in zip(parsed.body.blocks, outline.blocks, strict=True):
            if block.type == "module" and "source" in block.attributes:
                from scanner.parsers.terraform.expressions import Evaluator, Scope

                value = Evaluator(max_depth=50).evaluate(block.attributes["source"].expr, Scope())
                assert outlined.source == (value if isinstance(value, str) else None), path
        compared += 1
    assert compared > 100


DECOYS = r'''
# module "a" { source = "../a" }
// module "b" { source = "../b" }
/* module "c" {
  source = "../c"
} */
resource "aws_s3_bucket" "logs" {
  bucket      = "x-${var.env}"
  description = "module \"d\" { source = \"../d\" } ${"}"} %{ if true }{%{ endif } $${ ok"
  policy      = <<-EOT
    module "e" {
      source = "../e"
    }
    ${jsonencode({ a = "}" })}
    EOT
  tags = { source = "../f" }
  lifecycle {
    source = "../g"
  }
}
module "real" {
  source  = "./modules/real" # a comment after the value
  version = "1.0"
}
module "templated" {
  source = "./${var.x}"
}
module "expression" {
  source = "./a" == "./b" ? "./a" : "./b"
}
'''


def test_comments_strings_and_heredocs_hide_nothing_and_invent_nothing() -> None:
    outline = outline_text(DECOYS)
    assert outline.problems == ()
    assert [(b.type, b.labels, b.line, b.end_line) for b in outline.blocks] == [
        ("resource", ("aws_s3_bucket", "logs"), 7, 20),
        ("module", ("real",), 21, 24),
        ("module", ("templated",), 25, 27),
        ("module", ("expression",), 28, 30),
    ]
    assert outline.module_sources() == (("real", "./modules/real"),)
    logs = outline.blocks[0]
    assert [name for name, _ in logs.attributes] == ["bucket", "description", "policy", "tags"]
    assert outline.blocks[1].literal("version") == "1.0"


def test_string_escapes_are_decoded() -> None:
    outline = outline_text('module "m" {\n  source = "./a\\\\b\\u0041\\"q$${x}%%{y}"\n}\n')
    assert outline.blocks[0].source == './a\\bA"q${x}%{y}'


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ('resource "a" "b" {\n  x = "open\n}\n', 2, "unterminated string"),
        ('resource "a" "b" {\n  x = 1\n', 1, "never closed"),
        ('locals {\n  p = <<EOF\n  text\n}\n', 2, "has no closing EOF"),
        ('locals {\n  x = "${var.a\n', 2, "unterminated"),
        ("locals {\n  /* open\n}\n", 2, "unterminated /* comment"),
        ('}\nmodule "m" {\n  source = "./a"\n}\n', 1, "unexpected '}'"),
        ('resource "a" "b"\n{\n}\n', 1, "no opening {"),
        ("locals {\n  x = [1, 2}\n}\n", 2, "closes the ["),
    ],
)
def test_bad_input_is_reported_with_its_line(text: str, line: int, fragment: str) -> None:
    outline = outline_text(text)
    assert any(p.line == line and fragment in p.message for p in outline.problems), outline.problems


def test_blocks_after_a_problem_are_still_listed() -> None:
    outline = outline_text('}\nmodule "m" {\n  source = "./a"\n}\n')
    assert outline.module_sources() == (("m", "./a"),)


def test_terraform_json() -> None:
    text = """{
  "//": "a comment",
  "module": {
    "real": {"source": "./modules/real", "//": "c"},
    "many": [{"source": "./${var.x}"}]
  },
  "resource": {"aws_s3_bucket": {"logs": {"bucket": "x"}}},
  "locals": {"a": "b"}
}"""
    outline = outline_text(text, is_json=True)
    assert [(b.type, b.labels, b.line, b.end_line) for b in outline.blocks] == [
        ("module", ("real",), 4, 4),
        ("module", ("many",), 5, 5),
        ("resource", ("aws_s3_bucket", "logs"), 7, 7),
        ("locals", (), 8, 8),
    ]
    assert outline.module_sources() == (("real", "./modules/real"),)
    bad = outline_text('{"module": ', is_json=True)
    assert bad.blocks == () and "invalid JSON" in bad.problems[0].message
    assert outline_text("[1]", is_json=True).problems


def test_tokens_expose_comments_for_later_passes() -> None:
    toks, problems = tokens('a = 1 # trailscan:ignore CT008 reason\nb = "# not a comment"\n')
    assert problems == []
    comments = [t for t in toks if t.kind == "comment"]
    assert [(t.line, t.value) for t in comments] == [(1, "# trailscan:ignore CT008 reason")]


@pytest.mark.parametrize(
    "build",
    [
        lambda n: "locals {\n  a = " + "[" * n + "]" * n + "\n}\n",
        lambda n: 'a = "' + '${"' * n + '"}' * n + '"\n',
        lambda n: "{" * n + "}" * n,
        lambda n: "[" * n + "}" * n,
        lambda n: "a = <<EOF\n" + "${x}\n" * n + "EOF\n",
        lambda n: '"' + "\\" * n,
        lambda n: "/*" * n,
        lambda n: 'module "m" {\n' * n,
    ],
    ids=["brackets", "templates", "braces", "mismatch", "heredoc", "backslashes", "comments", "headers"],
)
def test_hostile_nesting_is_linear(build) -> None:
    """Each construct at 200,000: a quadratic lexer would take minutes (hang guard: the
    whole outline well under 10 s), and at most 20 problems come back."""
    text = build(200_000)
    start = time.perf_counter()
    outline = outline_text(text)
    assert time.perf_counter() - start < 10
    assert len(outline.problems) <= 20


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='abc ="{}[]()$%#/*<>-\\\nEOF', max_size=200))
def test_never_raises(text: str) -> None:
    outline_text(text)
    outline_text(text, is_json=True)
