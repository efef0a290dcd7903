"""The relevance pre-pass: which root modules are parsed, and that leaving the others out
changes no report.

The differential tests scan every sample, every external corpus case, every hostile input,
the plan roots, the examples and a generated monorepo with and without the pre-pass and
compare the JSON reports byte for byte (``--no-prefilter`` is the reference).
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scanner.discovery import discover
from scanner.limits import Limits
from scanner.model import Bucket, Origin, Role, Topic
from scanner.options import ScanOptions
from scanner.parsers import load_units
from scanner.parsers.batch.load import LoadStats
from scanner.parsers.terraform import load_terraform
from scanner.parsers.terraform.relevance import (
    ALWAYS,
    ATTACHED,
    ATTACHED_PREFIX,
    NAMED,
    Names,
    Relevance,
    naming_values,
    unit_relevance,
)
from scanner.reporters import RenderOptions, render
from scanner.scan import run_scan

ROOT = Path(__file__).resolve().parent.parent
RECORDS = ROOT / "scanner" / "parsers" / "terraform" / "records"

SERVICE = """
variable "env" { default = "dev" }
locals { name = "app-${var.env}" }
resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
resource "aws_instance" "web" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  tags          = { Name = local.name }
}
"""
ROLE = """
locals { name = "app-svc" }
resource "aws_iam_role" "app" {
  name               = "${local.name}-role"
  assume_role_policy = "{}"
}
"""
TRAIL = """
resource "aws_cloudtrail" "t" {
  name                      = "main"
  s3_bucket_name            = "central-logs"
  cloud_watch_logs_role_arn = "arn:aws:iam::123456789012:role/ct-delivery"
}
"""


def _root(tmp_path: Path, name: str, text: str, file: str = "main.tf") -> Path:
    directory = tmp_path / name
    directory.mkdir(parents=True, exist_ok=True)
    (directory / file).write_text(textwrap.dedent(text))
    return directory


def _kind(tmp_path: Path, text: str, file: str = "main.tf") -> Relevance:
    directory = _root(tmp_path, "unit", text, file)
    return unit_relevance(directory, tmp_path, Limits().max_file_bytes)


# ---------------------------------------------------------------------------
# Sorting root modules
# ---------------------------------------------------------------------------


def test_a_root_with_nothing_a_policy_reads_is_not_parsed(tmp_path: Path) -> None:
    assert _kind(tmp_path, SERVICE).kind == "none"


@pytest.mark.parametrize("rtype", sorted(ALWAYS))
def test_a_root_declaring_what_every_policy_may_read_is_parsed(tmp_path: Path, rtype: str) -> None:
    found = _kind(tmp_path, SERVICE + f'resource "{rtype}" "x" {{}}\n')
    assert found.kind == "relevant" and rtype in found.reason


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('module "m" {\n  source = "./m"\n}\n', "calls a module"),
        ('resource "aws_vpc" "a" {}\nresource "aws_vpc" "a" {}\n', "twice"),
        ('locals {\n  a = 1\n}\nlocals {\n  a = 2\n}\n', "local value twice"),
        ('resource "aws_vpc" "a" {\n  cidr_block = "x"\n  cidr_block = "y"\n}\n', "argument twice"),
        ('resource "aws_vpc" "a" {\n  cidr_block = "x\n}\n', "does not tokenize"),
        ('resource "aws_vpc" "a" {\n  tags = <<EOF\nno end\n}\n', "does not tokenize"),
        ('resource "aws_vpc" "a" {\n', "does not tokenize"),
        ("x {" * 40 + "}" * 40 + "\n", "deep"),
    ],
)
def test_what_the_outline_sees_wrong_is_left_to_the_full_parser(
    tmp_path: Path, text: str, why: str
) -> None:
    found = _kind(tmp_path, text)
    assert found.kind == "relevant" and why in found.reason


def test_override_files_and_unreadable_files_are_parsed(tmp_path: Path) -> None:
    assert _kind(tmp_path, SERVICE, "override.tf").kind == "relevant"
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "main.tf").write_bytes(b"resource \xff\n")
    assert unit_relevance(tmp_path / "bin", tmp_path, 1000).kind == "relevant"


def test_json_files_with_a_key_written_twice_are_parsed(tmp_path: Path) -> None:
    text = '{"resource": {"aws_vpc": {"a": {"cidr_block": "x", "cidr_block": "y"}}}}'
    assert _kind(tmp_path, text, "main.tf.json").kind == "relevant"
    assert _kind(tmp_path, '{"resource": {"aws_vpc": {"a": {}}}}', "main.tf.json").kind == "none"


def test_buckets_roles_and_topics_are_kept_as_name_patterns(tmp_path: Path) -> None:
    found = _kind(tmp_path, ROLE + 'resource "aws_s3_bucket" "b" {}\n'
                  'resource "aws_sns_topic" "t" { name = "alerts" }\n')
    assert found.kind == "names"
    assert set(found.names) == {("", "-role"), ("${aws_s3_bucket.b",), ("alerts",)}
    assert _kind(tmp_path, 'resource "aws_iam_role" "r" { name = lower("X") }\n').names == (None,)


def test_a_suppression_comment_next_to_a_named_record_makes_it_relevant(tmp_path: Path) -> None:
    text = ROLE.replace('resource "aws_iam_role"', '# trailscan:ignore CT303 reviewed\nresource "aws_iam_role"')
    assert _kind(tmp_path, text).kind == "relevant"
    # A marker inside a string is text, yet the pre-pass stays on the safe side.
    assert _kind(tmp_path, SERVICE + "# checkov:skip=CKV_AWS_1: fine\n").kind == "none"


def test_every_resource_type_the_record_mappers_read_is_classified() -> None:
    """A record family added without telling the pre-pass would be skipped silently."""
    read = set()
    for path in RECORDS.glob("*.py"):
        read.update(re.findall(r'"(aws_[a-z0-9_]+)"', path.read_text(encoding="utf-8")))
    known = ALWAYS | ATTACHED | set(NAMED)
    unclassified = {t for t in read if t not in known and not t.startswith(ATTACHED_PREFIX)}
    assert not unclassified, f"classify these in relevance.py: {sorted(unclassified)}"


# ---------------------------------------------------------------------------
# Could a value name a record?
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "values", "expected"),
    [
        (("logs",), ["logs"], True),
        (("logs",), ["arn:aws:s3:::LOGS/prefix"], True),
        (("", "-role"), ["arn:aws:iam::1:role/app-svc-role"], True),
        (("", "-role"), ["arn:aws:iam::1:role/ct"], False),
        (("app-", "-role"), ["app-x-role"], True),
        ((" padded ",), ["padded"], True),
        (None, ["anything"], True),
        (None, [], False),
        (("",), [], False),
    ],
)
def test_a_value_could_name_a_record_when_it_holds_every_literal_run(
    pattern: tuple[str, ...] | None, values: list[str], expected: bool
) -> None:
    assert Names(values).could_be(pattern) is expected


def test_naming_values_come_from_trails_alarms_and_rules(tmp_path: Path) -> None:
    directory = _root(tmp_path, "t", TRAIL)
    model = load_terraform(directory, tmp_path)
    values = naming_values([model])
    assert values.could_be(("central-logs",))
    assert values.could_be(("ct-delivery",))
    assert not values.could_be(("main.tf",))  # spans are not values


def _named_records(model: object) -> list[Bucket | Role | Topic]:
    return [*model.buckets, *model.roles, *model.topics]  # type: ignore[attr-defined]


def test_the_name_patterns_hold_for_every_named_record_of_the_samples() -> None:
    """What the pre-pass assumes of a record's name -- the literal runs of its template, or
    ``${type.name`` when it has none -- holds for every bucket, role and topic the Terraform
    front end builds from the samples and the corpus (a change of the symbolic names would
    fail here before it could make the pre-pass skip a unit that matters)."""
    checked = 0
    for tree in (ROOT / "samples", ROOT / "tests" / "corpus"):
        found = discover([tree], tree, Limits())
        for directory in found.terraform_dirs:
            relevance = unit_relevance(directory, tree, Limits().max_file_bytes)
            if relevance.kind != "names":
                continue
            model = load_terraform(directory, tree)
            for record in _named_records(model):
                if record.name.origin is Origin.UNKNOWN or "." in record.ref.split("[")[0].removeprefix(
                    record.kind + "."
                ):
                    continue
                name = str(record.name.value).casefold()
                assert any(
                    p is None or all(run.strip().casefold() in name for run in p)
                    for p in relevance.names
                ), (directory, record.ref, record.name.value, relevance.names)
                checked += 1
    assert checked > 0


# ---------------------------------------------------------------------------
# What is loaded
# ---------------------------------------------------------------------------


def _stats(tmp_path: Path, **kwargs: object) -> LoadStats:
    found = discover([tmp_path], tmp_path, Limits())
    stats = LoadStats()
    load_units(found.terraform_dirs, found.templates, tmp_path, plans=found.plans, stats=stats,
               **kwargs)  # type: ignore[arg-type]
    return stats


def test_a_role_is_loaded_only_when_a_trail_could_name_it(tmp_path: Path) -> None:
    _root(tmp_path, "trail", TRAIL)
    _root(tmp_path, "svc", SERVICE)
    _root(tmp_path, "role", ROLE)
    stats = _stats(tmp_path)
    assert (stats.loaded, stats.unread) == (1, 2)
    (tmp_path / "trail" / "main.tf").write_text(TRAIL.replace("ct-delivery", "app-svc-role"))
    stats = _stats(tmp_path)
    assert (stats.loaded, stats.unread) == (2, 1)
    assert _stats(tmp_path, prefilter=False).loaded == 3


def test_a_template_trail_draws_in_a_terraform_bucket(tmp_path: Path) -> None:
    _root(tmp_path, "bucket", 'resource "aws_s3_bucket" "b" {\n  bucket = "central-logs"\n}\n')
    (tmp_path / "trail.yaml").write_text(
        'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  T:\n    Type: AWS::CloudTrail::Trail\n'
        "    Properties:\n      S3BucketName: central-logs\n      IsLogging: true\n"
    )
    assert _stats(tmp_path).loaded == 2


def test_an_unread_root_still_reports_its_variables_files_and_counts_its_files(tmp_path: Path) -> None:
    directory = _root(tmp_path, "svc", SERVICE)
    (directory / "terraform.tfvars").write_text('env = "prod"\nenv = "dev"\n')
    (directory / "extra.tf").write_text('resource "aws_subnet" "s" {}\n')
    json_a = _json(tmp_path)
    json_b = _json(tmp_path, prefilter=False)
    assert json_a == json_b
    assert "terraform.tfvars" in json_a and '"svc/extra.tf"' in json_a
    assert _stats(tmp_path).unread == 1


def test_custom_policies_turn_the_pre_pass_off(tmp_path: Path) -> None:
    """A policy of the user's own may read any record: every root is parsed for it."""
    _root(tmp_path / "scan", "svc", 'resource "aws_s3_bucket" "b" {\n  bucket = "loose"\n}\n')
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "org001_buckets.py").write_text(textwrap.dedent('''
        from scanner.model import Model
        from scanner.policy import Fail, policy


        @policy(id="ORG001", name="org001-buckets", severity="LOW")
        def rule(model: Model):
            """Every bucket is listed

            ## Why is this bad?
            Because.

            ## How to fix
            Terraform: do it.
            CloudFormation: do it too.
            """
            for bucket in model.buckets:
                yield Fail(subject=bucket.ref, span=bucket.span, message="seen")
    '''))
    root = tmp_path / "scan"
    result = run_scan(ScanOptions(paths=(root,), root=root, policy_dirs=(policies,), jobs=1))
    assert [f.resource for f in result.findings if f.id == "ORG001"] == ["aws_s3_bucket.b"]


# ---------------------------------------------------------------------------
# The differential: the same report with and without the pre-pass
# ---------------------------------------------------------------------------


def _json(path: Path, **kwargs: object) -> str:
    result = run_scan(ScanOptions(paths=(path,), root=path, jobs=1, **kwargs))  # type: ignore[arg-type]
    return render("json", result, RenderOptions())


def _assert_same(path: Path) -> None:
    with_prefilter = _json(path)
    without = _json(path, prefilter=False)
    assert with_prefilter == without, path


def _cases() -> list[Path]:
    corpus = sorted(p for source in (ROOT / "tests" / "corpus").iterdir() if source.is_dir()
                    and source.name != "licenses" for p in source.iterdir() if p.is_dir())
    trees = [ROOT / "samples", ROOT / "tests" / "plan_roots", *sorted((ROOT / "examples").iterdir())]
    return [*trees, *corpus]


@pytest.mark.slow
def test_reports_are_the_same_with_and_without_the_pre_pass() -> None:
    for path in _cases():
        if path.is_dir():
            _assert_same(path)


def _bad_input_cases():  # noqa: ANN202 - a module loaded from a path
    spec = importlib.util.spec_from_file_location("bad_input_cases_prefilter",
                                                  ROOT / "tests" / "bad_inputs" / "cases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.CASES


@pytest.mark.slow
def test_hostile_inputs_report_the_same_with_and_without_the_pre_pass(tmp_path: Path) -> None:
    for case in _bad_input_cases():
        if "slow" in case.tags or case.needs_non_root:
            continue
        root = tmp_path / case.name / "scan"
        root.mkdir(parents=True)
        case.build(root)
        _assert_same(root)


@pytest.mark.slow
def test_a_generated_monorepo_reports_the_same_with_and_without_the_pre_pass(tmp_path: Path) -> None:
    out = tmp_path / "mono"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_monorepo.py"), str(out), "500"],
                   check=True)
    _assert_same(out)
    found = discover([out], out, Limits())
    stats = LoadStats()
    load_units(found.terraform_dirs, found.templates, out, stats=stats)
    assert (stats.loaded, stats.unread) == (110, 500)  # the trail roots and the templates
