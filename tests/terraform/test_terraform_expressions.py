"""expressions.py, functions.py and templates.py: operators, templates, heredocs and the
function library, read through a trail attribute."""

from __future__ import annotations

from pathlib import Path

import pytest
from tf_inline import one_trail

from scanner.model import Origin


def test_interpolation_conditionals_arithmetic(tmp_path: Path) -> None:
    trail = one_trail(
        tmp_path,
        'name = "t-${1 + 2 * 3}-${var.env == "prod" ? "p" : "np"}"\n'
        "is_multi_region_trail = !false && (3 > 2 || false)\n"
        's3_bucket_name = "a$${literal}b"',
        'variable "env" { default = "prod" }\n',
    )
    assert trail.name.value == "t-7-p"
    assert trail.is_multi_region.value is True
    assert trail.s3_bucket_name.value == "a${literal}b"


def test_template_directives(tmp_path: Path) -> None:
    trail = one_trail(
        tmp_path,
        'name = "%{ if var.on }yes%{ else }no%{ endif }"\n'
        's3_bucket_name = "%{ for x in ["a", "b"] }${x}.%{ endfor }"\n'
        's3_key_prefix = "%{ if var.unknown }x%{ endif }"',
        'variable "on" { default = false }\nvariable "unknown" {}\n',
    )
    assert trail.name.value == "no"
    assert trail.s3_bucket_name.value == "a.b."
    assert trail.s3_key_prefix.origin is Origin.UNKNOWN


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('format("%s-%03d", "a", 7)', "a-007"),
        ('join("-", concat(["a"], ["b", "c"]))', "a-b-c"),
        ('lookup(merge({a = "1"}, {b = "2"}), "b", "z")', "2"),
        ('lookup({a = "1"}, "q", "z")', "z"),
        ('try(local.m.missing, "fallback")', "fallback"),
        ('coalesce("", "first")', "first"),
        ('jsonencode({a = [1, true]})', '{"a":[1,true]}'),
        ('jsondecode("{\\"k\\": \\"v\\"}").k', "v"),
        ("tostring(12)", "12"),
        ('tostring(tonumber("4") + 1)', "5"),
        ('tobool("true") ? "t" : "f"', "t"),
        ('join(",", tolist(toset(["b", "a", "b"])))', "a,b"),
        ('tomap({x = "y"})["x"]', "y"),
        ('tostring(length([1, 2, 3]))', "3"),
        ('element(["a", "b"], 3)', "b"),
        ('"${lower("AB")}${upper("cd")}"', "abCD"),
        ('replace("a.b.c", ".", "-")', "a-b-c"),
        ('join("|", split(",", "x,y"))', "x|y"),
        ('trimspace("  z  ")', "z"),
        ('contains(["a", "b"], "b") ? "yes" : "no"', "yes"),
        ('join(",", keys({b = 1, a = 2}))', "a,b"),
        ('join(",", values({b = "1", a = "2"}))', "2,1"),
        ('join(",", flatten([["a"], [["b"]]]))', "a,b"),
        ('join(",", distinct(["a", "a", "b"]))', "a,b"),
        ('join(",", compact(["a", "", "b"]))', "a,b"),
        ('join(",", [for k, v in {a = 1, b = 2} : "${k}=${v}" if v > 1])', "b=2"),
        ('join(",", [for s in ["x", "y"] : upper(s)])', "X,Y"),
        ('{for k, v in {a = "1"} : v => k}["1"]', "a"),
        ('join(",", local.objs[*].n)', "n1,n2"),
        ('local.objs[1].n', "n2"),
    ],
)
def test_functions_and_expressions(tmp_path: Path, expr: str, expected: str) -> None:
    trail = one_trail(
        tmp_path,
        f"name = {expr}\ns3_bucket_name = \"b\"",
        'locals {\n  m = {}\n  objs = [{ n = "n1" }, { n = "n2" }]\n}\n',
    )
    assert trail.name.origin is Origin.EXPLICIT, trail.name.reason
    assert trail.name.value == expected


def test_unknown_function_and_file_are_unknown(tmp_path: Path) -> None:
    trail = one_trail(tmp_path, 'name = file("x.txt")\ns3_bucket_name = timestamp()')
    assert trail.name.origin is Origin.UNKNOWN and "file()" in trail.name.reason
    assert trail.s3_bucket_name.origin is Origin.UNKNOWN


def test_heredoc_trimming(tmp_path: Path) -> None:
    trail = one_trail(
        tmp_path,
        'name = <<-EOT\n    line ${var.x}\n      indented\n  EOT\n'
        's3_bucket_name = <<EOT\nraw\nEOT\n',
        'variable "x" { default = "one" }\n',
    )
    assert trail.name.value == "line one\n  indented\n"
    assert trail.s3_bucket_name.value == "raw\n"
    assert trail.name.span.line == 4 and trail.name.span.end_line == 7
