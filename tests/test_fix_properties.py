"""Property test: for generated trails (Terraform and CloudFormation, with their buckets,
keys and log groups written in varied shapes and layouts), ``fix`` then ``scan`` never
reports more than before, and every edited file still parses."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.config import Config
from scanner.fixing.run import fix
from scanner.model import PARSE_ERROR
from scanner.options import ScanOptions
from scanner.results import ScanResult
from scanner.scan import run_scan

pytestmark = pytest.mark.slow

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])

BOOL = st.sampled_from(["absent", "true", "false"])


def _keys(result: ScanResult) -> Counter[tuple[str, str, str]]:
    return Counter((f.id, f.account, f.resource) for f in result.active())


def _check(files: dict[str, str]) -> None:
    root = Path(tempfile.mkdtemp(prefix="trailscan-fix-prop-"))
    try:
        for name, text in files.items():
            (root / name).write_text(text, encoding="utf-8")
        options = ScanOptions(paths=(root,), root=root, config=Config())
        started = time.time_ns()
        before = run_scan(options)
        assert not [f for f in before.active() if f.id == PARSE_ERROR], "the generator wrote a bad file"
        fix(before, options, started, write=True)
        after = run_scan(options)
        assert not [f for f in after.active() if f.id == PARSE_ERROR], [
            (f.span.path, f.message) for f in after.active() if f.id == PARSE_ERROR
        ]
        grown = _keys(after) - _keys(before)
        assert not grown, f"fix added findings: {grown}\n" + "\n".join(
            f"--- {p}\n{(root / p).read_text()}" for p in files
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


# ---------------------------------------------------------------------------
# Terraform
# ---------------------------------------------------------------------------


@st.composite
def terraform(draw: st.DrawFn) -> dict[str, str]:
    aligned = draw(st.booleans())
    comments = draw(st.booleans())
    variables: list[str] = []
    blocks: list[str] = []

    def block(head: str, attrs: list[tuple[str, str]], extra: str = "") -> str:
        width = max((len(n) for n, _ in attrs), default=0)
        lines = []
        for index, (name, value) in enumerate(attrs):
            pad = " " * (width - len(name)) if aligned else ""
            note = f" # note {index}" if comments and index % 2 == 0 else ""
            lines.append(f"  {name}{pad} = {value}{note}")
        return head + " {\n" + "\n".join(lines) + ("\n" if lines else "") + extra + "}\n"

    def flag(name: str, prefix: str) -> list[tuple[str, str]]:
        choice = draw(st.sampled_from(["absent", "true", "false", "var"]))
        if choice == "absent":
            return []
        if choice == "var":
            variable = f"{prefix}_{name}"
            variables.append(f'variable "{variable}" {{\n  default = {draw(st.sampled_from(["true", "false"]))}\n}}\n')
            return [(name, f"var.{variable}")]
        return [(name, choice)]

    key = draw(st.sampled_from(["none", "open", "closed"]))
    if key != "none":
        service = "cloudtrail.amazonaws.com" if key == "open" else "ec2.amazonaws.com"
        rotation = flag("enable_key_rotation", "key")
        policy = ('jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "'
                  + service + '" }, Action = "kms:GenerateDataKey*", Resource = "*" }] })')
        blocks.append(block('resource "aws_kms_key" "k"', [*rotation, ("policy", policy)]))

    versioning = draw(st.sampled_from(["none", "inline-on", "inline-off", "split-on", "split-off"]))
    extra = ""
    if versioning.startswith("inline"):
        extra = f"\n  versioning {{\n    enabled = {'true' if versioning.endswith('on') else 'false'}\n  }}\n"
    blocks.append(block('resource "aws_s3_bucket" "logs"', [("bucket", '"logs"')], extra))
    if versioning.startswith("split"):
        status = "Enabled" if versioning.endswith("on") else "Suspended"
        blocks.append('resource "aws_s3_bucket_versioning" "logs" {\n  bucket = aws_s3_bucket.logs.id\n'
                      f'  versioning_configuration {{\n    status = "{status}"\n  }}\n}}\n')

    group = draw(st.sampled_from(["none", "30", "365", "absent"]))
    if group != "none":
        retention = [] if group == "absent" else [("retention_in_days", group)]
        blocks.append(block('resource "aws_cloudwatch_log_group" "g"', [("name", '"g"'), *retention]))

    for index in range(draw(st.integers(1, 3))):
        attrs = [("name", f'"t{index}"'), ("s3_bucket_name", "aws_s3_bucket.logs.id")]
        for name in ("is_multi_region_trail", "include_global_service_events", "enable_logging",
                     "enable_log_file_validation"):
            attrs += flag(name, f"t{index}")
        kms = draw(st.sampled_from(["absent", "empty", "key"] if key != "none" else ["absent", "empty"]))
        if kms == "empty":
            attrs.append(("kms_key_id", '""'))
        elif kms == "key":
            attrs.append(("kms_key_id", "aws_kms_key.k.arn"))
        if group != "none" and draw(st.booleans()):
            attrs.append(("cloud_watch_logs_group_arn", '"${aws_cloudwatch_log_group.g.arn}:*"'))
            attrs.append(("cloud_watch_logs_role_arn", '"arn:aws:iam::111122223333:role/r"'))
        order = draw(st.permutations(attrs))
        blocks.append(block(f'resource "aws_cloudtrail" "t{index}"', list(order)))
    files = {"main.tf": "\n".join(blocks)}
    if variables:
        files["variables.tf"] = "\n".join(variables)
    return files


@SETTINGS
@given(terraform())
def test_terraform_fix_never_adds_findings_and_always_parses(files: dict[str, str]) -> None:
    _check(files)


# ---------------------------------------------------------------------------
# CloudFormation
# ---------------------------------------------------------------------------


@st.composite
def cloudformation(draw: st.DrawFn) -> dict[str, str]:
    indent = " " * draw(st.sampled_from([2, 4]))
    quote = draw(st.sampled_from(["", '"', "'"]))
    parameters: list[str] = []
    resources: list[str] = []

    def i(level: int) -> str:
        return indent * level

    def flag(name: str, owner: str) -> list[str]:
        choice = draw(st.sampled_from(["absent", "true", "false", "param", "string"]))
        if choice == "absent":
            return []
        if choice == "param":
            param = f"{owner}{name}"
            default = draw(st.sampled_from(["true", "false"]))
            parameters.append(f"{i(1)}{param}:\n{i(2)}Type: String\n{i(2)}Default: {quote}{default}{quote}\n")
            return [f"{i(3)}{name}: !Ref {param}\n"]
        if choice == "string":
            return [f'{i(3)}{name}: "{draw(st.sampled_from(["true", "false"]))}"\n']
        return [f"{i(3)}{name}: {choice}\n"]

    key = draw(st.sampled_from(["none", "open", "closed"]))
    if key != "none":
        service = "cloudtrail.amazonaws.com" if key == "open" else "ec2.amazonaws.com"
        props = flag("EnableKeyRotation", "Key")
        props.append(
            f"{i(3)}KeyPolicy:\n{i(4)}Statement:\n{i(5)}- Effect: Allow\n{i(5)}  Principal:\n"
            f"{i(5)}    Service: {service}\n{i(5)}  Action: kms:GenerateDataKey*\n{i(5)}  Resource: '*'\n"
        )
        resources.append(f"{i(1)}Key:\n{i(2)}Type: AWS::KMS::Key\n{i(2)}Properties:\n" + "".join(props))

    versioning = draw(st.sampled_from(["none", "Enabled", "Suspended"]))
    bucket = f"{i(1)}Bucket:\n{i(2)}Type: AWS::S3::Bucket\n"
    if versioning != "none":
        bucket += f"{i(2)}Properties:\n{i(3)}VersioningConfiguration:\n{i(4)}Status: {quote}{versioning}{quote}\n"
    resources.append(bucket)

    group = draw(st.sampled_from(["none", "30", "365", "absent"]))
    if group != "none":
        retention = "" if group == "absent" else f"{i(3)}RetentionInDays: {group}  # days\n"
        resources.append(f"{i(1)}Group:\n{i(2)}Type: AWS::Logs::LogGroup\n{i(2)}Properties:\n"
                         f"{i(3)}LogGroupName: {quote}g{quote}\n{retention}")

    for index in range(draw(st.integers(1, 3))):
        props = [f"{i(3)}S3BucketName: !Ref Bucket\n", f"{i(3)}IsLogging: true\n"]
        for name in ("IsMultiRegionTrail", "IncludeGlobalServiceEvents", "EnableLogFileValidation"):
            props += flag(name, f"T{index}")
        if key != "none" and draw(st.booleans()):
            props.append(f"{i(3)}KMSKeyId: !GetAtt Key.Arn\n")
        if group != "none" and draw(st.booleans()):
            props.append(f"{i(3)}CloudWatchLogsLogGroupArn: !GetAtt Group.Arn\n")
            props.append(f"{i(3)}CloudWatchLogsRoleArn: arn:aws:iam::111122223333:role/r\n")
        order = draw(st.permutations(props))
        resources.append(f"{i(1)}Trail{index}:  # trail {index}\n{i(2)}Type: AWS::CloudTrail::Trail\n"
                         f"{i(2)}Properties:\n" + "".join(order))
    text = 'AWSTemplateFormatVersion: "2010-09-09"\n'
    if parameters:
        text += "Parameters:\n" + "".join(parameters)
    text += "Resources:\n" + "".join(resources)
    return {"template.yaml": text}


@SETTINGS
@given(cloudformation())
def test_cloudformation_fix_never_adds_findings_and_always_parses(files: dict[str, str]) -> None:
    _check(files)
