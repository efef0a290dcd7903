"""The outline's line-level fast path gives exactly what the token path gives.

``outline_hcl`` applies the common item shapes (``name = "plain"``, ``name = expression``,
block headers and closing braces, nested blocks, blank and comment lines) with one regex
match each and leaves everything else to the token path; ``_outline_hcl(text,
skim=False)`` is that token path alone. Every outline here is compared whole: blocks with
their labels, lines, attributes and literal runs, problems with their order, lines,
columns and messages, and the nesting depth.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from scanner.parsers.terraform import outline as outline_module
from scanner.parsers.terraform.outline import Outline, _outline_hcl, outline_hcl

ROOT = Path(__file__).resolve().parent.parent
# What a mutation inserts: everything that starts or ends a string, template, heredoc,
# comment or bracket, line ends of both kinds, and a blank the lexer takes for a word.
INSERTS = ('"', "{", "}", "[", "]", "(", ")", "<<EOF\n", "EOF\n", "#", "//", "/*", "*/", "${",
           "%{", "$${", "\\", "\n", "\r\n", "\t", "=", "==", " ", "x", "\u00a0")


def _same(text: str) -> Outline:
    fast, reference = outline_hcl(text), _outline_hcl(text, skim=False)
    assert fast == reference, f"fast path and token path differ on {text!r}:\n{fast}\n{reference}"
    return fast


def _repository_files() -> list[Path]:
    """Every native-syntax file the project holds (``benchmarks/out`` is generated, not
    kept: it is left out so the test reads the same files everywhere)."""
    found = []
    for top in ("samples", "tests", "examples"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and path.name.endswith((".tf", ".tfvars", ".hcl")):
                found.append(path)
    return found


def _texts() -> list[tuple[str, str]]:
    texts = []
    for path in _repository_files():
        try:
            texts.append((str(path.relative_to(ROOT)), path.read_bytes().decode("utf-8-sig")))
        except UnicodeDecodeError:
            continue  # the outline is never asked about a file that is not UTF-8
    return texts


def test_every_file_of_the_repository() -> None:
    texts = _texts()
    assert len(texts) > 200
    for _name, text in texts:
        _same(text)


def test_mutations_of_the_repository_files() -> None:
    """Each file cut at a spread of places and with a token inserted at random places
    (fixed seed): the fast path must leave to the token path exactly what it cannot take."""
    rnd = random.Random(20240615)
    compared = 0
    for _name, text in _texts():
        if not text:
            continue
        step = max(1, len(text) // 7)
        for cut in range(rnd.randrange(step), len(text), step):
            _same(text[:cut])
            compared += 1
        for _ in range(8):
            at = rnd.randrange(len(text) + 1)
            _same(text[:at] + rnd.choice(INSERTS) + text[at:])
            compared += 1
    assert compared > 3000


# Shapes that are close to what the fast path takes, and some it must not take.
CASES = [
    'resource "a" "b" {\n  a = "x" "y"\n}\n',
    'resource "a" "b" {\n  a == b\n  c = 1\n}\n',
    'resource "a" "b" {\n  a = b # c\n  d = "e" // f\n}\n',
    'resource "a" "b" {\n  a = "${x}"\n  b = "p-${x}-q${y}"\n}\n',
    'resource "a" "b" {\n  a = "x\\"y"\n}\n',
    'resource "a" "b" {\r\n  a = "x"\r\n  b = c\r\n}\r\n',
    'resource\t"a"\t"b"\t{\n\ta\t=\t"x"\n\tb\t=\tc\n}\n',
    'resource "a" "b" { x = 1 }\nlocals { a = 1\n}\n',
    'a {\n}\n} resource "a" "b" {\n}x\n}}\n',
    'a {\n  x = 1\n} b {\n  y = 2\n}\n',
    'locals {\n  a = "$${x}"\n  b = "%{if x}y%{endif}"\n  c = "%%{x}"\n  d = "$$"\n  e = "$"\n'
    '  f = "100%"\n  g = "%${x}"\n}\n',
    'locals {\n  a\u00a0= 1\n  b = 1\u2028\n  c = "\u00a0"\n}\n',
    'locals {\n  a = /* c */ 1\n  b /* c */ = 1\n  c = 1 /* c */\n  d = "x" /* c */\n}\n',
    'locals {\n  a = <<EOF\nx\nEOF\n  b = <<-EOT\n    y\n    EOT\n  c = 1\n}\n',
    'locals {\n  a = <<EOF\nno end\n}\n',
    'resource "a" "b" {\n  ingress { a = [1] }\n  egress {\n    a = [1]\n    b = { c = [2] }\n  }\n}\n',
    'resource aws_vpc main {\n}\nresource "a" b "c" {\n}\nresource "a"b{\n}\n'
    'resource "a" "${x}" {\n}\nresource "a\\"b" "c" {\n}\n"x" {\n}\n',
    'a = 1\nb = [1,\n2]\nc = {x = 1}\n# c\nd = "x" # e\n',
    'a {\n b = 1\n}',
    'a {\n b = 1',
    'a {\n b = ""\n c = "x"\n}\n',
    'a {\n b = 1 }\n',
    'a { b = 1 } c { }\n',
    'a {\n b = "x" # "unterminated\n}\n',
    'a {\n b = [ # comment ]\n ]\n}\n',
    'a {\n b=1\n c= "x"\n d ="y"\n e="z"\n}\n',
    'a {\n b = "\\u0041"\n}\n',
    'a {\n -a = 1\n _a-b = 2\n}\n',
    'a {\n b = <c\n d = 1 <<EOF\n}\n',
    'a {\n\f b = 1\n\v c = 2\n}\n',
    'a b = 1\n',
    '{\n}\n]\n)\n}\n',
    'a { b { c { d { e {\n} } } } }\n',
    'a {\n b = [\n  1,\n  2,\n ]\n}\n',
    'a {\n b = [ "x\n" ]\n}\n',
    'a {\n b = [{ c = [{ d = 1 }] }]\n e = merge(x, { f = 1 })\n}\n',
    'a {\n b = jsonencode({\n  c = [{ d = { e = 1 } }]\n })\n}\n',
    'a {\n b { c = [1] }\n d "x" { e = [[1]] }\n f "y" "z" {\n  g = [[[1]]]\n }\n}\n',
    'a {\n b = (1\n}\n',
    'a {\n b = [1)\n}\n',
    'a {\n b {\n  c = 1\n ]\n}\n',
    'a = 1 ]\nb = }\n',
    'a {\n b = "}"\n c = "{"\n d = "${"}"}"\n e = "${x["k"]}"\n f = "${{a=1}}"\n}\n',
    '\n\n\nresource "a" "b" {\n\n\n  x = 1\n\n}\n\n# tail\n// tail\n',
    'a {\n  "b" = 1\n  b.c = 1\n  1 = 2\n  = 3\n  , = 4\n}\n',
    'a {\n  b = ==\n  c => d\n  e =>\n  f = > 1\n}\n',
    'a {\n  dynamic "x" {\n    for_each = [1]\n    content {\n      y = 1\n    }\n  }\n}\n',
    'a\n{\n}\na "b"\n{\n}\n',
    'a { # c\n  b = 1\n} # d\na { /* c */\n  b = 1\n} /* c\n*/ d {\n}\n',
    'a = <<EOF\nx\nEOF\nb = 2\na = "x\nb = 1\n',
    'a {\n  b = "\\\n"\n  c = "x\\\\"\n  d = "\\$${x}"\n  e = "\\${x}"\n}\n',
]


@pytest.mark.parametrize("case", CASES)
def test_near_misses_cut_anywhere_and_with_any_token_inserted_anywhere(case: str) -> None:
    _same(case)
    for cut in range(len(case)):
        _same(case[:cut])
    for at in range(len(case) + 1):
        for token in INSERTS:
            _same(case[:at] + token + case[at:])


PIECES = ('a', 'b_c', 'x-y', '1', ' ', '  ', '\t', '=', '==', '=>', '"', '"s"', '"${v}"', '"$${v}"',
          '"%{x}"', '"\\""', '{', '}', '[', ']', '(', ')', '\n', '\r\n', '#c', '//c', '/*', '*/',
          '<<EOF\n', 'EOF\n', ',', '.', '$', '%', '\\', '\u00a0', '<', '/',
          'resource "r" "n" {\n', '}\n', '  k = "v"\n', '  k = v\n', '  n {\n')


def test_random_texts_of_hcl_pieces() -> None:
    rnd = random.Random(7)
    for _ in range(4000):
        _same("".join(rnd.choice(PIECES) for _ in range(rnd.randrange(1, 40))))


def test_the_expected_outline_of_the_near_misses() -> None:
    """The reference itself, on the shapes the fast path must take or leave, so neither
    path can drift with the other."""
    outline = _same('resource "a" "b" {\n  a = "x" "y"\n  b == c\n  d = e # f\n  g = "${h}-i"\n'
                    '  j = "k\\"l"\n  m = "n" # o\n}\r\n')
    assert outline.problems == ()
    block = outline.blocks[0]
    assert (block.line, block.end_line) == (1, 8)
    assert block.attributes == (("a", None), ("d", None), ("g", None), ("j", 'k"l'), ("m", "n"))
    assert block.templates == (("a", None), ("d", None), ("g", ("", "-i")), ("j", ('k"l',)),
                               ("m", ("n",)))
    crlf = _same('locals {\r\n  a = "x"\r\n  b = [\r\n    1,\r\n  ]\r\n}\r\nx {\r\n')
    assert crlf.blocks[0].attributes == (("a", "x"), ("b", None))
    assert crlf.depth == 2
    assert [(p.line, p.column, p.message) for p in crlf.problems] == [
        (7, 3, "block 'x' opened here is never closed")
    ]
    same_line = _same('locals { a = 1 }\nlocals {\n  b = 2 } c {\n}\n}x\n')
    assert [(b.type, b.line, b.end_line, b.attributes) for b in same_line.blocks] == [
        ("locals", 1, 1, (("a", None),)), ("locals", 2, 3, (("b", None),)), ("c", 3, 4, ()),
    ]
    assert [(p.line, p.column) for p in same_line.problems] == [(5, 1)]


def test_the_fast_path_takes_the_common_shapes_without_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file of the usual shapes makes no token at all (the differential tests above
    compare two paths, not one path with itself)."""
    made: list[object] = []
    tokens = outline_module._Lexer.tokens

    def counted(self: outline_module._Lexer):  # type: ignore[no-untyped-def]
        for token in tokens(self):
            made.append(token)
            yield token

    monkeypatch.setattr(outline_module._Lexer, "tokens", counted)
    text = '''
# a comment
variable "env" {
  default = "dev"
}

locals {
  name = "app-${var.env}"   # trailing comment
  tags = { Team = "t", Env = var.env }
}

resource "aws_security_group" "web" {
  name   = "${local.name}-web"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 443
    cidr_blocks = ["0.0.0.0/0"]
  }
  dynamic "egress" {
    for_each = [1]
    content {
      to_port = 0
    }
  }
  tags = merge(local.tags, { Name = local.name })
}
'''
    outline = outline_hcl(text)
    assert made == []
    assert outline == _outline_hcl(text, skim=False)
    assert len(made) > 50  # the reference made them
    assert outline.depth == 3
    assert outline.blocks[1].templates == (("name", ("app-", "")), ("tags", None))
