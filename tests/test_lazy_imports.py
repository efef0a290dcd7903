"""A run imports only what it uses: the fixed cost of a one-file pre-commit run is mostly
imports, so each heavy dependency is loaded only by the work that needs it.

- ``--version`` loads no policy, no analysis, no parser library;
- a Terraform scan never loads PyYAML, cfn-lint, or python-hcl2's package (only lark and
  python-hcl2's post-lexer, with the shipped parse tables);
- a CloudFormation scan never loads lark or python-hcl2;
- ``diff``'s git machinery (``subprocess``) is not loaded by ``scan``;
- what only a mistake, a crash, a configuration file or an ``-o`` file needs (``difflib``'s
  suggestions, ``traceback`` for ``--debug``, ``tomllib``, ``tempfile``; ``shutil``, which
  argparse imports for the terminal's width) is not loaded by a scan without them (lark
  itself loads ``traceback``, ``tempfile`` and ``shutil``, so a Terraform scan is checked
  for the others only);
- a scan without a baseline does not load ``scanner.baseline``, nor the documentation's
  renderers (``scanner.docs``: ``list`` and ``explain``);
- the metric-filter pattern language (``scanner.analysis.filter_pattern``, with its regular
  expression engine) is loaded only by a scan that has a metric filter to read, and
  Terraform's RE2 engine (``scanner.parsers.terraform.re2``) only by a ``regex``,
  ``regexall`` or ``replace`` with a pattern.

Each case runs in a fresh interpreter and reports which modules it ended with.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = textwrap.dedent(
    """
    import contextlib, io, json, sys
    from scanner.cli import main
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(sys.argv[1:])
    print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
    """
)


def _modules(*args: str, cwd: Path) -> set[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )
    assert run.returncode == 0, run.stderr
    return set(json.loads(run.stdout.splitlines()[-1])["modules"])


def _loaded(modules: set[str], package: str) -> bool:
    return any(m == package or m.startswith(package + ".") for m in modules)


TF = 'resource "aws_cloudtrail" "t" {\n  name           = "t"\n  s3_bucket_name = "logs"\n}\n'
# Whole numbers are read without ``decimal``; a fraction would load it.
TF_WITH_NUMBERS = TF + (
    'resource "aws_cloudwatch_log_group" "g" {\n  name              = "g"\n  retention_in_days = 365\n}\n'
)
CFN = (
    'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n'
    "    Properties:\n      S3BucketName: logs\n      IsLogging: true\n"
)


def test_version_loads_no_policy_and_no_parser(tmp_path: Path) -> None:
    modules = _modules("--version", cwd=tmp_path)
    for package in ("policies", "scanner.analysis", "lark", "hcl2", "yaml", "cfnlint", "subprocess"):
        assert not _loaded(modules, package), package


@pytest.mark.parametrize(
    ("name", "text", "absent", "present"),
    [
        ("main.tf", TF_WITH_NUMBERS, ("yaml", "cfnlint", "hcl2", "subprocess", "scanner.parsers.cloudformation",
                                      "difflib", "tomllib", "scanner.analysis.filter_pattern",
                                      "scanner.parsers.terraform.re2", "scanner.baseline", "scanner.docs",
                                      "decimal"),
         ("lark", "policies", "scanner.analysis")),
        ("template.yaml", CFN, ("lark", "hcl2", "cfnlint", "subprocess", "scanner.parsers.terraform",
                                "difflib", "tomllib", "traceback", "tempfile", "shutil",
                                "scanner.analysis.filter_pattern", "scanner.baseline", "scanner.docs",
                                "textwrap", "decimal"),
         ("yaml", "policies", "scanner.analysis")),
    ],
)
def test_a_scan_loads_only_its_own_front_end(
    tmp_path: Path, name: str, text: str, absent: tuple[str, ...], present: tuple[str, ...]
) -> None:
    (tmp_path / name).write_text(text)
    modules = _modules(name, "--format", "json", cwd=tmp_path)
    for package in absent:
        assert not _loaded(modules, package), package
    for package in present:  # the probe sees what a scan loads
        assert _loaded(modules, package), package


def test_a_metric_filter_loads_the_pattern_language(tmp_path: Path) -> None:
    """The other side of the lazy import: a filter to read does load it (so the absence
    above is the scan's doing, not the probe's)."""
    (tmp_path / "main.tf").write_text(
        'resource "aws_cloudtrail" "t" {\n  name = "t"\n  s3_bucket_name = "logs"\n'
        '  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.g.arn}:*"\n}\n'
        'resource "aws_cloudwatch_log_group" "g" {\n  name = "g"\n}\n'
        'resource "aws_cloudwatch_log_metric_filter" "f" {\n  name           = "f"\n'
        '  log_group_name = aws_cloudwatch_log_group.g.name\n'
        '  pattern        = "{ $.errorCode = \\"AccessDenied\\" }"\n'
        '  metric_transformation {\n    name      = "m"\n    namespace = "n"\n    value     = "1"\n  }\n}\n'
    )
    modules = _modules("main.tf", "--format", "json", "--no-cache", cwd=tmp_path)
    assert _loaded(modules, "scanner.analysis.filter_pattern")


def test_cached_templates_and_other_yaml_load_no_yaml_parser(tmp_path: Path) -> None:
    """Classifying a repository's YAML files is a text sniff, and a template whose model
    comes from the cache is not decoded: a warm run loads neither PyYAML nor the
    CloudFormation front end (the first, cold run does)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "template.yaml").write_text(CFN)
    (repo / "values.yaml").write_text("replicas: 2\n")  # not a template
    (repo / "main.tf").write_text(TF)
    cache = str(tmp_path / "cache")
    cold = _modules(".", "--format", "json", "--cache-dir", cache, cwd=repo)
    assert _loaded(cold, "yaml") and _loaded(cold, "scanner.parsers.cloudformation.loader")
    warm = _modules(".", "--format", "json", "--cache-dir", cache, cwd=repo)
    for package in ("yaml", "scanner.parsers.cloudformation.loader", "scanner.parsers.cloudformation.decode",
                    "lark"):
        assert not _loaded(warm, package), package
