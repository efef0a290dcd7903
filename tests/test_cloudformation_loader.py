"""Detection, whole-file loading, nested stacks, cfn-lint and the external corpus."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from scanner.limits import Limits
from scanner.model import Origin
from scanner.parsers.cloudformation import load_cloudformation, looks_like_template, run_cfn_lint

CORPUS = Path("/work/shared/corpus/cases")

NOT_TEMPLATES = {
    "ci.yml": "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - run: make\n",
    ".pre-commit-config.yaml": "repos:\n  - repo: local\n    hooks:\n      - id: x\n",
    "package.json": '{"name": "x", "version": "1.0.0", "dependencies": {}}',
    "deploy.yaml": "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n"
    "    - name: a\n      resources:\n        limits: {cpu: 1}\n",
    "mkdocs.yml": "site_name: x\nmarkdown_extensions:\n  - emoji:\n"
    "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@pytest.mark.parametrize("name", sorted(NOT_TEMPLATES))
def test_other_yaml_and_json_is_not_ours(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, NOT_TEMPLATES[name])
    assert looks_like_template(path.read_text()) is False
    assert load_cloudformation(path, tmp_path) is None


def test_sniff_accepts_templates_cheaply() -> None:
    assert looks_like_template("Resources:\n  B:\n    Type: AWS::S3::Bucket\n")
    assert looks_like_template('{"Resources": {"B": {"Type": "Custom::Thing"}}}')
    assert looks_like_template("AWSTemplateFormatVersion: '2010-09-09'\n")
    assert not looks_like_template("resources:\n  - type: thing\n")


def test_json_template_with_positions(tmp_path: Path) -> None:
    doc = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Trail": {
                "Type": "AWS::CloudTrail::Trail",
                "Properties": {
                    "S3BucketName": "b",
                    "IsLogging": True,
                    "EnableLogFileValidation": True,
                },
            }
        },
    }
    path = write(tmp_path, "t.json", json.dumps(doc, indent=2))
    model = load_cloudformation(path, tmp_path)
    assert model is not None
    trail = model.trails[0]
    assert trail.log_file_validation.value is True
    assert trail.log_file_validation.span.line == 9
    assert trail.span.line == 4


def test_cdk_template_uses_construct_path_as_label(tmp_path: Path) -> None:
    doc = {
        "Resources": {
            "AuditTrail1A2B3C": {
                "Type": "AWS::CloudTrail::Trail",
                "Properties": {"S3BucketName": {"Ref": "LogsBucket9C4D8843"}, "IsLogging": True},
                "Metadata": {"aws:cdk:path": "AuditStack/Trail/Resource"},
            },
            "LogsBucket9C4D8843": {"Type": "AWS::S3::Bucket"},
        }
    }
    path = write(tmp_path, "cdk.out/AuditStack.template.json", json.dumps(doc))
    model = load_cloudformation(path, tmp_path)
    assert model is not None
    assert model.units[0].id == "cdk.out/AuditStack.template.json"
    assert model.trails[0].label == "AuditStack/Trail/Resource"
    assert model.trails[0].s3_bucket_name.value == "${LogsBucket9C4D8843}"


def test_broken_template_is_a_parse_problem(tmp_path: Path) -> None:
    path = write(
        tmp_path, "t.yaml", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n  B:\n    Type: X\n"
    )
    model = load_cloudformation(path, tmp_path)
    assert model is not None and model.trails == ()
    (problem,) = model.problems
    assert problem.id == "CT901" and problem.span.path == "t.yaml" and problem.span.line == 4
    assert "duplicate key 'B'" in problem.message


def test_unsafe_tag_in_a_template_is_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t.yaml",
        """\
        Resources:
          B:
            Type: AWS::S3::Bucket
            Properties:
              BucketName: !!python/object/apply:os.system ["echo hi"]
        """,
    )
    model = load_cloudformation(path, tmp_path)
    assert model is not None
    assert "unsafe YAML tag" in model.problems[0].message
    assert model.problems[0].span.line == 5


def test_claimed_template_without_resources_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "t.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nDescription: x\n")
    model = load_cloudformation(path, tmp_path)
    assert model is not None and "no Resources" in model.problems[0].message


def test_org_formation_organization_file_is_not_ours(tmp_path: Path) -> None:
    # org-formation reuses the version key with its own value and has no Resources.
    path = write(
        tmp_path,
        "organization.yml",
        """\
        AWSTemplateFormatVersion: '2010-09-09-OC'
        Organization:
          MasterAccount:
            Type: OC::ORG::MasterAccount
            Properties:
              PasswordPolicy: !Ref PasswordPolicy
        """,
    )
    assert load_cloudformation(path, tmp_path) is None


def test_org_formation_include_in_a_template_names_the_tool(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "cloudtrail.yml",
        """\
        AWSTemplateFormatVersion: '2010-09-09-OC'
        Organization: !Include ../organization.yml
        Resources:
          Trail:
            Type: AWS::CloudTrail::Trail
            Properties: {S3BucketName: logs, IsLogging: true}
        """,
    )
    model = load_cloudformation(path, tmp_path)
    assert model is not None and model.trails == ()
    (problem,) = model.problems
    assert problem.message == "unknown tag !Include: not CloudFormation (org-formation?)"
    assert (problem.span.line, problem.span.column) == (2, 15)


def test_file_size_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "t.yaml", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n" + "#" * 200)
    model = load_cloudformation(path, tmp_path, limits=Limits(max_file_bytes=100))
    assert model is not None and "max_file_bytes" in model.problems[0].message


PARENT = """\
    Resources:
      LogBucket:
        Type: AWS::S3::Bucket
        Properties:
          BucketName: central-logs
      AuditStack:
        Type: AWS::CloudFormation::Stack
        Properties:
          TemplateURL: nested/audit.yaml
          Parameters:
            BucketName: !Ref LogBucket
      RemoteStack:
        Type: AWS::CloudFormation::Stack
        Properties:
          TemplateURL: https://example.com/remote.yaml
      Alarm:
        Type: AWS::CloudWatch::Alarm
        Properties:
          MetricName: m
          Namespace: n
          AlarmActions: [!GetAtt AuditStack.Outputs.TopicArn]
    """

CHILD = """\
    Parameters:
      BucketName:
        Type: String
    Resources:
      Trail:
        Type: AWS::CloudTrail::Trail
        DependsOn: Topic
        Properties:
          IsLogging: true
          S3BucketName: !Ref BucketName
      Topic:
        Type: AWS::SNS::Topic
    Outputs:
      TopicArn:
        Value: !Ref Topic
    """


def test_nested_stack_local_template_is_loaded_with_parameters(tmp_path: Path) -> None:
    parent = write(tmp_path, "stacks/main.yaml", PARENT)
    write(tmp_path, "stacks/nested/audit.yaml", CHILD)
    model = load_cloudformation(parent, tmp_path)
    assert model is not None and model.problems == ()
    assert model.units[0].files == ("stacks/main.yaml", "stacks/nested/audit.yaml")
    (trail,) = model.trails
    assert trail.ref == "AuditStack.Trail" and trail.span.path == "stacks/nested/audit.yaml"
    assert trail.s3_bucket_name.value == "central-logs"
    assert trail.depends_on == ("AuditStack.Topic",)
    (topic,) = model.topics
    assert topic.name.value == "${AuditStack.Topic}"
    assert model.alarms[0].actions.value == (topic.arn.value,)


def test_nested_stack_remote_url_loads_nothing(tmp_path: Path) -> None:
    parent = write(tmp_path, "main.yaml", PARENT)
    model = load_cloudformation(parent, tmp_path)
    assert model is not None
    assert model.units[0].files == ("main.yaml",)
    (missing,) = model.problems  # the local template is absent; the URL is never fetched
    assert "nested/audit.yaml not found" in missing.message
    assert (missing.span.path, missing.span.line) == ("main.yaml", 9)
    assert model.alarms[0].actions.origin is Origin.UNKNOWN


def test_nested_stack_cycle_and_escape_are_refused(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        """\
        Resources:
          B:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: b.yaml}
          Out:
            Type: AWS::CloudFormation::Stack
            Properties: {TemplateURL: ../outside.yaml}
        """,
    )
    write(
        tmp_path,
        "b.yaml",
        """\
        Resources:
          A:
            Type: AWS::Serverless::Application
            Properties: {Location: a.yaml}
        """,
    )
    model = load_cloudformation(tmp_path / "a.yaml", tmp_path)
    assert model is not None
    messages = sorted(p.message for p in model.problems)
    assert any("cycle" in m for m in messages)
    assert any("outside the scan root" in m for m in messages)


def test_nested_stack_depth_limit(tmp_path: Path) -> None:
    for i in range(4):
        write(
            tmp_path,
            f"s{i}.yaml",
            f"""\
            Resources:
              Next:
                Type: AWS::CloudFormation::Stack
                Properties: {{TemplateURL: s{i + 1}.yaml}}
            """,
        )
    write(tmp_path, "s4.yaml", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n")
    model = load_cloudformation(tmp_path / "s0.yaml", tmp_path, limits=Limits(max_module_depth=2))
    assert model is not None
    assert any("max_module_depth" in p.message for p in model.problems)
    assert model.buckets == ()


def test_run_cfn_lint_reports_misspelt_kms_key_id(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t.yaml",
        """\
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Trail:
            Type: AWS::CloudTrail::Trail
            Properties:
              S3BucketName: audit-logs-bucket
              IsLogging: true
              KmsKeyId: alias/ct
        """,
    )
    results = run_cfn_lint([path], tmp_path)
    hits = [r for r in results if r[0] == "E3002"]
    assert hits, results
    rule_id, level, span, message = hits[0]
    assert level == "error" and span.path == "t.yaml" and span.line == 8
    assert "KmsKeyId" in message


def test_run_cfn_lint_never_raises_on_garbage(tmp_path: Path) -> None:
    path = write(tmp_path, "t.yaml", "Resources: [\n")
    results = run_cfn_lint([path, tmp_path / "missing.yaml"], tmp_path)
    assert results and all(isinstance(r[0], str) for r in results)


def _corpus_templates() -> list[Path]:
    return sorted(p for p in CORPUS.glob("*/cfn*/*") if p.is_file())


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not present")
def test_corpus_templates_load_and_produce_their_trails() -> None:
    templates = _corpus_templates()
    assert len(templates) >= 20
    for path in templates:
        model = load_cloudformation(path, CORPUS)
        assert model is not None, path
        text = path.read_text()
        assert len(model.trails) == text.count("AWS::CloudTrail::Trail"), path
        assert all(t.span.path == path.relative_to(CORPUS).as_posix() for t in model.trails)


def test_one_line_json_template_is_sniffed() -> None:
    text = '{"Metadata":{"a":1},"Resources":{"T":{"Type":"AWS::CloudTrail::Trail"}}}'
    assert looks_like_template(text)


def test_binary_file_is_not_ours_but_a_latin1_template_is_a_problem(tmp_path: Path) -> None:
    binary = tmp_path / "blob.json"
    binary.write_bytes(b"\xff\xfe\x00\x01garbage")
    assert load_cloudformation(binary, tmp_path) is None
    latin = tmp_path / "t.yaml"
    latin.write_bytes(b"Resources:\n  B:\n    Type: AWS::S3::Bucket # caf\xe9\n")
    model = load_cloudformation(latin, tmp_path)
    assert model is not None and "not UTF-8" in model.problems[0].message
