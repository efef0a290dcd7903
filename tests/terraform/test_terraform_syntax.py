"""Valid HCL that python-hcl2 8.1 rejects (lexer.py, rewrite.py, templates.py).

Every construct here is accepted by Terraform: ``terraform fmt -`` proves it when the binary
is on PATH, and locals are compared with what ``terraform console`` prints. trailscan must
read each one with the right value and with the span of every attribute after it unmoved.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from tf_inline import load

from scanner.limits import Limits
from scanner.model import Span
from scanner.parsers.terraform import load_terraform
from scanner.parsers.terraform.hcl import parse_source
from scanner.parsers.terraform.instance import ModuleInstance
from scanner.parsers.terraform.loader import Loader
from scanner.parsers.terraform.rewrite import parse_hcl

TERRAFORM = shutil.which("terraform")
_NO_TERRAFORM = "terraform is not on PATH: Terraform's own acceptance is not checked"


def _terraform_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    rc = tmp / "terraformrc"
    rc.write_text("")
    env.update(TF_CLI_CONFIG_FILE=str(rc), CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1")
    return env


def terraform_accepts(text: str, tmp: Path) -> tuple[bool, str]:
    """``terraform fmt -`` parses the text exactly as ``terraform plan`` does."""
    assert TERRAFORM is not None
    done = subprocess.run(
        [TERRAFORM, "fmt", "-no-color", "-"], input=text.encode(), capture_output=True,
        env=_terraform_env(tmp), timeout=60, check=False,
    )
    return done.returncode == 0, done.stderr.decode(errors="replace")


def terraform_console(text: str, names: list[str], tmp: Path) -> dict[str, object]:
    """What Terraform itself evaluates the named locals of a locals-only module to."""
    assert TERRAFORM is not None
    work = tmp / "console"
    work.mkdir()
    (work / "main.tf").write_text(text)
    expression = "jsonencode({" + ", ".join(f"{n} = local.{n}" for n in names) + "})\n"
    done = subprocess.run(
        [TERRAFORM, "console"], input=expression.encode(), capture_output=True, cwd=work,
        env=_terraform_env(tmp), timeout=120, check=True,
    )
    return json.loads(json.loads(done.stdout.decode().strip()))


def at(text: str, line: int, first: str, last: str) -> tuple[int, int, int, int]:
    """(line, column, end_line, end_column) from ``first`` on ``line`` to the end of the next
    ``last`` at or after it, counted on the text as written."""
    lines = text.splitlines()
    column = lines[line - 1].index(first) + 1
    for end_line in range(line, len(lines) + 1):
        source = lines[end_line - 1]
        start = column - 1 if end_line == line else 0
        hit = source.find(last, start)
        if hit >= 0:
            return line, column, end_line, hit + len(last) + 1
    raise AssertionError(f"{last!r} not found after line {line}")


def where(span: Span) -> tuple[int, int, int, int]:
    return span.line, span.column, span.end_line, span.end_column


# ---------------------------------------------------------------------------
# Trails: values, and the spans of what follows the construct
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TrailCase:
    id: str
    text: str
    name: str  # expected trail name
    bucket: str  # expected s3_bucket_name
    # (line, first, last) of the name and bucket attributes in ``text``
    name_at: tuple[int, str, str]
    bucket_at: tuple[int, str, str]


def _case(id: str, text: str, name: str, bucket: str, name_at: tuple[int, str, str],
          bucket_at: tuple[int, str, str]) -> TrailCase:
    return TrailCase(id, textwrap.dedent(text).lstrip("\n"), name, bucket, name_at, bucket_at)


TRAIL_CASES = [
    _case("block comment between = and the value", """
        resource "aws_cloudtrail" "t" {
          name           = /* the trail */ "main"
          s3_bucket_name = "logs"
        }
        """, "main", "logs", (2, "name", '"main"'), (3, "s3_bucket_name", '"logs"')),
    _case("block comment over lines between = and the value", """
        resource "aws_cloudtrail" "t" {
          name = /* a comment
                    over two lines */ "main"
          s3_bucket_name = /**/ "logs" /* after */
        }
        """, "main", "logs", (2, "name", '"main"'), (4, "s3_bucket_name", '"logs"')),
    _case("block comment before =", """
        resource "aws_cloudtrail" "t" {
          name /* the trail */ = "main"
          s3_bucket_name       = "logs"
        }
        """, "main", "logs", (2, "name", '"main"'), (3, "s3_bucket_name", '"logs"')),
    _case("block comments between block labels", """
        resource /* kind */ "aws_cloudtrail" /* a label
          comment */ "t" {
          name           = "main"
          s3_bucket_name = "logs"
        }
        """, "main", "logs", (3, "name", '"main"'), (4, "s3_bucket_name", '"logs"')),
    _case("block comments inside an object constructor", """
        locals {
          names = { /* first */ a = /* inline */ "main", b = "x" /* last */ }
          more = {
            a = /* spans
                   lines */ "logs"
            /* own line */
            b = "x" # line comment
          }
        }
        resource "aws_cloudtrail" "t" {
          name           = local.names.a
          s3_bucket_name = local.more.a
        }
        """, "main", "logs", (11, "name", "local.names.a"), (12, "s3_bucket_name", "local.more.a")),
    _case("block comments in lists and function arguments across lines", """
        resource "aws_cloudtrail" "t" {
          name = join("-", [ /* one */ "ma", /* two
            */ "in" ])
          s3_bucket_name = lower(/* arg */ "LOGS" /* end */)
        }
        """, "ma-in", "logs", (2, "name", "])"), (4, "s3_bucket_name", "*/)")),
    _case("newline before => in a for expression", """
        locals {
          by_key = { for k, v in { a = "main" } :
            k
            => v }
        }
        resource "aws_cloudtrail" "t" {
          name           = local.by_key.a
          s3_bucket_name = "logs"
        }
        """, "main", "logs", (7, "name", "local.by_key.a"), (8, "s3_bucket_name", '"logs"')),
    _case("comments before => and between for clauses", """
        locals {
          by_key = {
            for k, v in { a = "main" } : # each pair
            k /* the key */
            # the value follows
            => v
            if v != "" // keep non-empty
          }
        }
        resource "aws_cloudtrail" "t" {
          name           = local.by_key.a
          s3_bucket_name = "logs"
        }
        """, "main", "logs", (11, "name", "local.by_key.a"), (12, "s3_bucket_name", '"logs"')),
    _case("newlines before an operator, attribute and index inside parentheses", """
        locals {
          n = (10
          - 3)
          parts = { first = ["lo", "gs"] }
          b = join("", (local.parts
          .first
          [*]))
        }
        resource "aws_cloudtrail" "t" {
          name           = "t${local.n}"
          s3_bucket_name = local.b
        }
        """, "t7", "logs", (10, "name", '"t${local.n}"'), (11, "s3_bucket_name", "local.b")),
    _case("newline and comments inside an interpolation", """
        locals { a = "ma" }
        resource "aws_cloudtrail" "t" {
          name = "${ /* c */ local.a # line
          }in"
          s3_bucket_name = "logs"
        }
        """, "main", "logs", (3, "name", 'in"'), (5, "s3_bucket_name", '"logs"')),
    _case("strip markers in quoted-string interpolations", """
        locals { suffix = "gs" }
        resource "aws_cloudtrail" "t" {
          name           = "ma ${~ "i" ~}   n"
          s3_bucket_name = "lo \\t ${~local.suffix}"
        }
        """, "main", "logs", (3, "name", '   n"'), (4, "s3_bucket_name", '}"')),
    _case("strip markers in quoted-string directives", """
        resource "aws_cloudtrail" "t" {
          name           = "%{~ if true ~} main %{~ else ~} other %{~ endif ~}"
          s3_bucket_name = "logs"
        }
        """, "main", "logs", (2, "name", 'endif ~}"'), (3, "s3_bucket_name", '"logs"')),
    _case("non-ASCII letters in identifiers", """
        locals {
          nämé   = "main"
          bücket = { ziel = "logs" }
        }
        resource "aws_cloudtrail" "t" {
          name           = local.nämé
          s3_bucket_name = local.bücket.ziel
        }
        """, "main", "logs", (6, "name", "local.nämé"), (7, "s3_bucket_name", "bücket.ziel")),
]


@pytest.mark.parametrize("case", TRAIL_CASES, ids=lambda c: c.id)
def test_terraform_accepts_the_construct(case: TrailCase, tmp_path: Path) -> None:
    if TERRAFORM is None:
        pytest.skip(_NO_TERRAFORM)
    ok, stderr = terraform_accepts(case.text, tmp_path)
    assert ok, stderr


@pytest.mark.parametrize("case", TRAIL_CASES, ids=lambda c: c.id)
def test_construct_parses_with_values_and_spans(case: TrailCase, tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": case.text})
    assert model.problems == ()
    (trail,) = model.trails
    assert trail.ref == "aws_cloudtrail.t"
    assert trail.name.value == case.name
    assert trail.s3_bucket_name.value == case.bucket
    assert where(trail.name.span) == at(case.text, *case.name_at)
    assert where(trail.s3_bucket_name.span) == at(case.text, *case.bucket_at)


# Cases python-hcl2 8.1 reads by itself (kept to pin that they stay right).
NATIVE = {"block comments in lists and function arguments across lines",
          "strip markers in quoted-string directives"}


@pytest.mark.parametrize("case", TRAIL_CASES, ids=lambda c: c.id)
def test_python_hcl2_alone_rejects_the_construct(case: TrailCase) -> None:
    """Guard: each case needs the rewrite, unless listed as native."""
    import hcl2
    from lark.exceptions import UnexpectedInput

    if case.id in NATIVE:
        hcl2.parses_to_tree(case.text)
    else:
        with pytest.raises(UnexpectedInput):
            hcl2.parses_to_tree(case.text)


def test_block_header_span_after_a_multiline_comment(tmp_path: Path) -> None:
    text = (
        '/* licence\n   header */\n'
        'resource "aws_cloudtrail" "t" { /* x\n */ name = "main"\n'
        '  s3_bucket_name = "logs"\n}\n'
    )
    model = load(tmp_path, {"main.tf": text})
    (trail,) = model.trails
    assert (trail.span.line, trail.span.column, trail.span.end_line) == (3, 1, 6)
    assert where(trail.name.span) == (4, 5, 4, 18)
    assert where(trail.s3_bucket_name.span) == (5, 3, 5, 26)


# ---------------------------------------------------------------------------
# Templates: values compared with terraform console
# ---------------------------------------------------------------------------

TEMPLATES = (
    'locals {\n'
    '  y = "yy"\n'
    '  a = "a ${~ "b" ~} c"\n'
    '  b = "x  ${~local.y}  z"\n'
    '  c = "%{~ if true ~} yes %{~ endif ~} !"\n'
    '  d = <<EOT\n'
    '%{~ if true ~}\n'
    'yes\n'
    '%{~ endif ~}\n'
    'EOT\n'
    '  e = "p \\t${~ "q"}"\n'
    '  f = <<-EOT\n'
    '    ${~ "x" ~}\n'
    '    tail\n'
    '  EOT\n'
    '  g = <<EOT\n'
    'a  \n'
    '   ${~ "x"}\n'
    'EOT\n'
    '  h = <<EOT\n'
    '${"x" ~}   \n'
    '  \n'
    '  b\n'
    'EOT\n'
    '  i = <<-EOT\n'
    '    a\n'
    '    %{~ if true ~}\n'
    '    yes\n'
    '    %{~ endif ~}\n'
    '    b\n'
    '  EOT\n'
    '  j = <<EOT\n'
    '  a\n'
    '  %{~ if true ~}\n'
    '  yes\n'
    '  %{~ endif ~}\n'
    '  b\n'
    'EOT\n'
    '  k = <<-EOT\n'
    '    indented\n'
    '      more\n'
    '\n'
    '    back\n'
    '  EOT\n'
    '  l = "${\n'
    '    "multi"\n'
    '  }-${ /* c */ "line" }"\n'
    '}\n'
)

# What terraform 1.11 console prints for each local (kept so the test runs without it).
EXPECTED_TEMPLATES = {
    "a": "abc",
    "b": "xyy  z",
    "c": "yes!",
    "d": "yes",
    "e": "pq",
    "f": "x    tail\n",
    "g": "a  \nx\n",
    "h": "x  \n  b\n",
    "i": "    a\n    yes\n    b\n",
    "j": "  a\n  yes\n  b\n",
    "k": "indented\n  more\n\nback\n",
    "l": "multi-line",
}


def evaluate_locals(tmp_path: Path, text: str) -> tuple[dict[str, object], list[object]]:
    (tmp_path / "main.tf").write_text(text)
    loader = Loader(tmp_path, tmp_path, Limits())
    source = loader.source(tmp_path)
    module = ModuleInstance(loader, source, "", {}, chain=(source.directory,))
    return {name: module.local(name) for name in source.locals}, loader.problems


def test_template_strip_markers_and_flush_heredocs(tmp_path: Path) -> None:
    values, problems = evaluate_locals(tmp_path, TEMPLATES)
    assert problems == []
    assert {k: values[k] for k in EXPECTED_TEMPLATES} == EXPECTED_TEMPLATES


def test_template_values_match_terraform_console(tmp_path: Path) -> None:
    if TERRAFORM is None:
        pytest.skip(_NO_TERRAFORM)
    assert terraform_console(TEMPLATES, sorted(EXPECTED_TEMPLATES), tmp_path) == EXPECTED_TEMPLATES


# ---------------------------------------------------------------------------
# What still does not parse is reported where it is written
# ---------------------------------------------------------------------------


def test_error_after_rewritten_constructs_points_at_the_original_text() -> None:
    text = (
        "/* a\n   b */\n"
        "locals {\n  x = /* c\n  */ 1\n  m = { for k, v in {} :\n    k\n    => v }\n}\n"
        'resource "x" "y" {\n  a = = 1\n}\n'
    )
    problem = parse_source("main.tf", text)
    assert not hasattr(problem, "body"), "the file must not parse"
    assert (problem.span.line, problem.span.column) == (11, 7)


def test_file_python_hcl2_reads_is_not_rewritten() -> None:
    text = 'a = [\n  1, # one\n  2,\n]\n'
    tree = parse_hcl(text)
    comments = [t for t in tree.scan_values(lambda v: getattr(v, "type", "") == "NL_OR_COMMENT")]
    assert any("# one" in str(c) for c in comments)


@pytest.mark.parametrize(
    "text",
    [
        "a = /* unterminated\n",
        'a = "${~ unterminated\n',
        "a = <<EOT\nno end\n",
        "a = [\n",
        "a = (1\n- )\n",
        "}}}\n",
    ],
)
def test_invalid_input_is_a_parse_problem(text: str) -> None:
    problem = parse_source("bad.tf", text)
    assert problem.message.startswith("cannot parse Terraform file")
    assert problem.span.line >= 1 and problem.span.column >= 1


@pytest.mark.parametrize("lead", ["", "\n\n", "  ", "\n   "])
def test_terraform_json_first_line_columns(tmp_path: Path, lead: str) -> None:
    text = lead + json.dumps(
        {"resource": {"aws_cloudtrail": {"t": {"name": "main", "s3_bucket_name": "logs"}}}}
    ) + "\n"
    (tmp_path / "stack").mkdir()
    (tmp_path / "stack" / "main.tf.json").write_text(text)  # as is: no dedent
    model = load_terraform(tmp_path / "stack", tmp_path)
    (trail,) = model.trails
    line = lead.count("\n") + 1
    source_line = text.split("\n")[line - 1]
    assert where(trail.name.span) == (
        line, source_line.index('"name"') + 1, line, source_line.index(', "s3') + 1
    )


# ---------------------------------------------------------------------------
# The rewrite changes nothing but what python-hcl2 cannot read
# ---------------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[2]


def _tokens(tree: object) -> list[tuple[str, str, int, int, int, int]]:
    """Meaningful tokens with positions; a token's own leading blanks (python-hcl2's EQ
    and COLON include them, operators may carry a merged newline) do not count."""
    from lark import Token

    out = []
    for token in tree.scan_values(lambda v: isinstance(v, Token)):  # type: ignore[attr-defined]
        if token.type == "NL_OR_COMMENT":
            continue
        value = str(token)
        start_line, start_column = token.line, token.column
        if value != value.lstrip():
            start_line = start_column = 0
        out.append((token.type, value.strip(), start_line, start_column, token.end_line,
                    token.end_column))
    return out


def test_forced_rewrite_of_every_sample_gives_the_same_tokens_and_positions() -> None:
    """Apply the rewrite to files python-hcl2 reads anyway: same tokens, same positions."""
    import hcl2

    from scanner.parsers.terraform import rewrite

    paths = sorted((REPO / "samples").rglob("*.tf")) + sorted((REPO / "tests").rglob("*.tf"))
    rewritten = 0
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            plain = hcl2.parses_to_tree(text)
        except Exception:  # noqa: BLE001 - the hostile-input corpus lives under tests/
            continue
        rw = rewrite.rewrite(text)
        if rw is None:
            continue
        rewritten += 1
        tree = hcl2.parses_to_tree(rw.text)
        rewrite._map_positions(tree, rw)  # noqa: SLF001 - the step under test
        assert _tokens(tree) == _tokens(plain), path
    assert rewritten >= 5
