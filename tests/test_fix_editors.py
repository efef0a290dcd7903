"""``trailscan fix`` edit by edit: the smallest change, in the file's own style, or a
reason why not. Every case runs the real scan, the policy's fix, the editor and the
re-check on a small tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from fix_harness import active_keys, run_fix, tree

from scanner.config import Config
from scanner.fixing.editors.hcl_layout import comments_aligned
from scanner.fixing.run import Fixer
from scanner.options import ScanOptions
from scanner.scan import run_scan

TRAIL = """\
resource "aws_cloudtrail" "t" {
  name           = "t"
  s3_bucket_name = "b" # where logs go
}
"""


def _fmt_clean(text: str, tmp_path: Path) -> bool:
    """``terraform fmt -check`` on ``text`` (skipped where the binary is missing)."""
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("terraform is not on PATH: cannot compare with terraform fmt")
    path = tmp_path / "fmt" / "check.tf"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    done = subprocess.run([terraform, "fmt", "-check", str(path)], capture_output=True, check=False)
    return done.returncode == 0


# ---------------------------------------------------------------------------
# Terraform
# ---------------------------------------------------------------------------


def test_an_absent_attribute_joins_its_block_aligned_as_terraform_fmt_aligns(tmp_path: Path) -> None:
    tree(tmp_path, {"main.tf": TRAIL})
    fixed = run_fix(tmp_path, select=("CT008",))
    assert fixed.outcome("CT008") == (True, "add enable_log_file_validation = true")
    assert fixed.text("main.tf") == """\
resource "aws_cloudtrail" "t" {
  name                       = "t"
  s3_bucket_name             = "b" # where logs go
  enable_log_file_validation = true
}
"""
    assert _fmt_clean(fixed.text("main.tf"), tmp_path)


def test_a_literal_changes_where_it_is_written_and_its_comment_stays_aligned(tmp_path: Path) -> None:
    source = """\
resource "aws_cloudtrail" "t" {
  name                       = "t"
  s3_bucket_name             = "b"
  enable_logging             = false # switched off for the migration
  enable_log_file_validation = false # nobody reads digests
}
"""
    tree(tmp_path, {"main.tf": source})
    fixed = run_fix(tmp_path, select=("CT007", "CT008"))
    assert fixed.outcome("CT007")[0] and fixed.outcome("CT008")[0]
    assert fixed.text("main.tf") == source.replace("= false # s", "= true  # s").replace(
        "= false # n", "= true  # n").replace("true  # s", "true # s").replace("true  # n", "true # n")
    assert _fmt_clean(fixed.text("main.tf"), tmp_path)


def test_comments_of_a_chain_move_together(tmp_path: Path) -> None:
    source = """\
resource "aws_kms_key" "k" {
  description         = "k" # one
  enable_key_rotation = false # two
  is_enabled          = true # three
}

resource "aws_cloudtrail" "t" {
  name           = "t"
  s3_bucket_name = "b"
  kms_key_id     = aws_kms_key.k.arn
}
"""
    source = source.replace('"k" # one', '"k"   # one').replace("true # three", "true  # three")
    tree(tmp_path, {"main.tf": source})
    assert all(comments_aligned(source).values())
    fixed = run_fix(tmp_path, select=("CT202",))
    assert fixed.outcome("CT202")[0]
    text = fixed.text("main.tf")
    assert '  description         = "k"  # one\n' in text
    assert "  enable_key_rotation = true # two\n" in text
    assert "  is_enabled          = true # three\n" in text
    assert _fmt_clean(text, tmp_path)


def test_a_hand_aligned_block_keeps_its_spacing(tmp_path: Path) -> None:
    source = """\
resource "aws_cloudtrail" "t" {
  name = "t"
  s3_bucket_name    =    "b"
}
"""
    tree(tmp_path, {"main.tf": source})
    fixed = run_fix(tmp_path, select=("CT001",))
    assert fixed.text("main.tf") == source.replace(
        '"b"\n', '"b"\n  is_multi_region_trail = true\n'
    )


def test_a_new_attribute_goes_before_depends_on_and_after_a_multiline_value(tmp_path: Path) -> None:
    source = """\
resource "aws_kms_key" "k" {
  description = "k"
  policy = jsonencode({
    Version = "2012-10-17"
  })

  depends_on = []
}

resource "aws_cloudtrail" "t" {
  name           = "t"
  s3_bucket_name = "b"
  kms_key_id     = aws_kms_key.k.arn
}
"""
    tree(tmp_path, {"main.tf": source})
    fixed = run_fix(tmp_path, select=("CT202",))
    assert "  })\n  enable_key_rotation = true\n\n  depends_on = []\n" in fixed.text("main.tf")
    assert _fmt_clean(fixed.text("main.tf"), tmp_path)


def test_an_empty_one_line_block_opens_up(tmp_path: Path) -> None:
    source = 'resource "aws_kms_key" "k" {}\n\n' + TRAIL.replace(
        '  s3_bucket_name = "b" # where logs go\n',
        '  s3_bucket_name = "b"\n  kms_key_id     = aws_kms_key.k.arn\n',
    )
    tree(tmp_path, {"main.tf": source})
    fixed = run_fix(tmp_path, select=("CT202",))
    assert fixed.text("main.tf").startswith(
        'resource "aws_kms_key" "k" {\n  enable_key_rotation = true\n}\n'
    )


def test_a_value_from_a_variable_default_changes_the_default(tmp_path: Path) -> None:
    tree(tmp_path, {
        "variables.tf": 'variable "validate" {\n  type    = bool\n  default = false\n}\n',
        "main.tf": TRAIL.replace(
            '  s3_bucket_name = "b" # where logs go\n',
            '  s3_bucket_name = "b"\n\n  enable_log_file_validation = var.validate\n',
        ),
    })
    fixed = run_fix(tmp_path, select=("CT008",))
    assert fixed.outcome("CT008") == (True, "var.validate default = true")
    assert fixed.text("variables.tf") == 'variable "validate" {\n  type    = bool\n  default = true\n}\n'
    assert "main.tf" not in fixed.run.texts


def test_a_variable_used_elsewhere_is_left_and_said(tmp_path: Path) -> None:
    tree(tmp_path, {
        "variables.tf": 'variable "flag" {\n  default = false\n}\n',
        "main.tf": TRAIL.replace(
            '  s3_bucket_name = "b" # where logs go\n',
            '  s3_bucket_name             = "b"\n  enable_log_file_validation = var.flag\n'
            '  is_multi_region_trail      = var.flag\n',
        ),
    })
    fixed = run_fix(tmp_path, select=("CT008",))
    assert fixed.outcome("CT008") == (False, "value comes from var.flag (used elsewhere)")
    assert not fixed.run.texts


def test_a_variable_set_by_tfvars_or_an_expression_is_not_a_literal(tmp_path: Path) -> None:
    tree(tmp_path, {
        "variables.tf": 'variable "flag" {\n  default = true\n}\nlocals {\n  off = false\n}\n',
        "terraform.tfvars": "flag = false\n",
        "main.tf": 'resource "aws_cloudtrail" "a" {\n  name                       = "a"\n'
                   '  s3_bucket_name             = "b"\n  enable_log_file_validation = var.flag\n}\n'
                   'resource "aws_cloudtrail" "b" {\n  name                       = "b"\n'
                   '  s3_bucket_name             = "b"\n  enable_log_file_validation = local.off\n}\n',
    })
    fixed = run_fix(tmp_path, select=("CT008",))
    assert fixed.outcome("CT008", "aws_cloudtrail.a") == (False, "value comes from var.flag")
    assert fixed.outcome("CT008", "aws_cloudtrail.b") == (False, "value comes from local.off")


def test_a_variable_with_a_validation_rule_is_left(tmp_path: Path) -> None:
    tree(tmp_path, {
        "variables.tf": 'variable "days" {\n  default = 30\n  validation {\n'
                        '    condition     = var.days < 100\n    error_message = "short"\n  }\n}\n',
        "main.tf": 'resource "aws_cloudwatch_log_group" "g" {\n  name              = "g"\n'
                   '  retention_in_days = var.days\n}\n'
                   'resource "aws_cloudtrail" "t" {\n  name                       = "t"\n'
                   '  s3_bucket_name             = "b"\n'
                   '  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.g.arn}:*"\n'
                   '  cloud_watch_logs_role_arn  = "arn:aws:iam::111122223333:role/r"\n}\n',
    })
    fixed = run_fix(tmp_path, select=("CT301",))
    assert fixed.outcome("CT301") == (False, "value comes from var.days, which has a validation rule")


def test_split_versioning_is_changed_and_a_missing_one_is_added(tmp_path: Path) -> None:
    bucket_a = 'resource "aws_s3_bucket" "a" {\n  bucket = "a"\n}\n'
    versioning_a = ('resource "aws_s3_bucket_versioning" "a" {\n  bucket = aws_s3_bucket.a.id\n'
                    '  versioning_configuration {\n    status = "Suspended"\n  }\n}\n')
    # ``b`` is taken by another bucket's versioning resource: the new one gets ``b_2``.
    bucket_b = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'
    other = ('resource "aws_s3_bucket" "c" {\n  bucket = "c"\n}\n'
             'resource "aws_s3_bucket_versioning" "b" {\n  bucket = aws_s3_bucket.c.id\n'
             '  versioning_configuration {\n    status = "Enabled"\n  }\n}\n')
    trails = "".join(
        f'resource "aws_cloudtrail" "{n}" {{\n  name           = "{n}"\n'
        f"  s3_bucket_name = aws_s3_bucket.{n}.id\n}}\n"
        for n in ("a", "b")
    )
    tree(tmp_path, {"a.tf": bucket_a + "\n" + versioning_a, "b.tf": bucket_b, "c.tf": other,
                    "trails.tf": trails})
    fixed = run_fix(tmp_path, select=("CT105",))
    assert fixed.outcome("CT105", "aws_s3_bucket.a") == (
        True, 'versioning_configuration.status = "Enabled"'
    )
    assert fixed.outcome("CT105", "aws_s3_bucket.b") == (True, "add aws_s3_bucket_versioning.b_2")
    assert fixed.text("b.tf") == bucket_b + """
resource "aws_s3_bucket_versioning" "b_2" {
  bucket = aws_s3_bucket.b.id

  versioning_configuration {
    status = "Enabled"
  }
}
"""
    assert _fmt_clean(fixed.text("b.tf"), tmp_path)


def test_inline_versioning_writes_the_bool_its_block_takes(tmp_path: Path) -> None:
    tree(tmp_path, {"main.tf": """\
resource "aws_s3_bucket" "logs" {
  bucket = "logs"

  versioning {
    enabled = false
  }
}

resource "aws_cloudtrail" "t" {
  name           = "t"
  s3_bucket_name = aws_s3_bucket.logs.id
}
"""})
    fixed = run_fix(tmp_path, select=("CT105",))
    assert fixed.outcome("CT105") == (True, "versioning.enabled = true")
    assert "    enabled = true\n" in fixed.text("main.tf")


def test_a_bucket_made_with_count_gets_no_new_resource(tmp_path: Path) -> None:
    tree(tmp_path, {"main.tf": """\
resource "aws_s3_bucket" "logs" {
  count  = 1
  bucket = "logs"
}

resource "aws_cloudtrail" "t" {
  name           = "t"
  s3_bucket_name = aws_s3_bucket.logs[0].id
}
"""})
    fixed = run_fix(tmp_path, select=("CT105",))
    assert fixed.outcome("CT105") == (False, "aws_s3_bucket.logs[0] is created with count or for_each")


def test_a_fix_that_would_add_a_finding_is_rolled_back(tmp_path: Path) -> None:
    tree(tmp_path, {"main.tf": """\
resource "aws_cloudtrail" "t" {
  name                          = "t"
  s3_bucket_name                = "b"
  include_global_service_events = false
}
"""})
    fixed = run_fix(tmp_path, select=("CT001", "CT006"))
    ok, why = fixed.outcome("CT001")
    assert not ok and why.startswith("rolled back: the edit would add CT006 on aws_cloudtrail.t")
    assert not fixed.run.texts


def test_ct004_fixes_only_the_single_main_trail(tmp_path: Path) -> None:
    two = "".join(
        f'resource "aws_cloudtrail" "{n}" {{\n  name                          = "{n}"\n'
        f'  s3_bucket_name                = "b"\n  is_multi_region_trail         = true\n'
        f"  include_global_service_events = false\n}}\n"
        for n in ("a", "b")
    )
    tree(tmp_path, {"main.tf": two})
    fixed = run_fix(tmp_path, select=("CT004",))
    ok, why = fixed.outcome("CT004")
    assert not ok and why.startswith("2 multi-region logging trails record management events")


def test_ct009_uses_the_one_key_cloudtrail_may_use_and_refuses_a_choice(tmp_path: Path) -> None:
    key = """\
resource "aws_kms_key" "%s" {
  enable_key_rotation = true
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "kms:GenerateDataKey*"
      Resource  = "*"
    }]
  })
}
"""
    tree(tmp_path, {"main.tf": TRAIL, "key.tf": key % "one"})
    fixed = run_fix(tmp_path, select=("CT009",))
    assert fixed.outcome("CT009") == (True, "add kms_key_id = aws_kms_key.one.arn")
    tree(tmp_path, {"key2.tf": key % "two"})
    fixed = run_fix(tmp_path, select=("CT009",))
    assert fixed.outcome("CT009")[1].startswith("2 KMS keys of the unit let CloudTrail use them")


def test_crlf_and_bom_survive(tmp_path: Path) -> None:
    data = ("\ufeff" + TRAIL).replace("\n", "\r\n").encode("utf-8")
    tree(tmp_path, {"main.tf": data})
    run_fix(tmp_path, select=("CT008",), write=True)
    written = (tmp_path / "main.tf").read_bytes()
    assert written.startswith(b"\xef\xbb\xbf") and b"\n" not in written.replace(b"\r\n", b"")
    assert b"  enable_log_file_validation = true\r\n}\r\n" in written


def test_a_module_outside_the_unit_keeps_its_installed_copy(tmp_path: Path) -> None:
    tree(tmp_path, {
        "main.tf": 'module "audit" {\n  source = "acme/trail/aws"\n}\n',
        ".terraform/modules/modules.json": '{"Modules": [{"Key": "", "Source": "", "Dir": "."},'
                                           ' {"Key": "audit", "Source": "registry.terraform.io/acme/trail/aws",'
                                           ' "Dir": ".terraform/modules/audit"}]}',
        ".terraform/modules/audit/main.tf": TRAIL,
    })
    fixed = run_fix(tmp_path, select=("CT008",))
    ok, why = fixed.outcome("CT008")
    assert not ok and "terraform init installed" in why


# ---------------------------------------------------------------------------
# CloudFormation
# ---------------------------------------------------------------------------

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Logging:
    Type: String
    Default: "false"
    AllowedValues: ["true", "false"]
Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      S3BucketName: 'audit-logs'   # the central bucket
      IsLogging: !Ref Logging
      EnableLogFileValidation: "false"
  Key:
    Type: AWS::KMS::Key
"""


def test_yaml_keeps_types_quotes_comments_and_indentation(tmp_path: Path) -> None:
    tree(tmp_path, {"t.yaml": TEMPLATE})
    fixed = run_fix(tmp_path, select=("CT007", "CT008", "CT001"))
    assert fixed.outcome("CT007") == (True, "parameter Logging Default: true")
    assert fixed.text("t.yaml") == TEMPLATE.replace(
        'Default: "false"', 'Default: "true"'
    ).replace(
        '      EnableLogFileValidation: "false"\n',
        '      EnableLogFileValidation: "true"\n      IsMultiRegionTrail: true\n',
    )


def test_yaml_new_strings_take_the_files_quoting_and_a_missing_properties_is_added(tmp_path: Path) -> None:
    source = """\
Resources:
    Bucket:
        Type: "AWS::S3::Bucket"
        Properties:
            BucketName: "logs"
    Trail:
        Type: "AWS::CloudTrail::Trail"
        Properties:
            S3BucketName: !Ref Bucket
            IsLogging: true
            KMSKeyId: !GetAtt Key.Arn
    Key:
        Type: "AWS::KMS::Key"
"""
    tree(tmp_path, {"t.yaml": source})
    fixed = run_fix(tmp_path, select=("CT105", "CT202"))
    assert fixed.text("t.yaml") == source.replace(
        '            BucketName: "logs"\n',
        '            BucketName: "logs"\n            VersioningConfiguration:\n'
        '                Status: "Enabled"\n',
    ) + '        Properties:\n            EnableKeyRotation: true\n'


def test_a_parameter_used_elsewhere_or_outside_its_allowed_values_is_left(tmp_path: Path) -> None:
    source = TEMPLATE.replace("      EnableLogFileValidation: \"false\"\n",
                              "      EnableLogFileValidation: !Ref Logging\n")
    tree(tmp_path, {"t.yaml": source})
    fixed = run_fix(tmp_path, select=("CT007",))
    assert fixed.outcome("CT007") == (False, "value comes from parameter Logging (used elsewhere)")
    source = TEMPLATE.replace('AllowedValues: ["true", "false"]', 'AllowedValues: ["false"]')
    tree(tmp_path, {"t.yaml": source})
    fixed = run_fix(tmp_path, select=("CT007",))
    assert fixed.outcome("CT007") == (
        False, "value comes from parameter Logging, whose AllowedValues exclude true"
    )


def test_long_form_intrinsics_stay_long(tmp_path: Path) -> None:
    source = """\
Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      S3BucketName:
        Ref: Bucket
      IsLogging: true
  Bucket:
    Type: AWS::S3::Bucket
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Effect: Allow
            Principal:
              Service: cloudtrail.amazonaws.com
            Action: kms:GenerateDataKey*
            Resource: "*"
"""
    tree(tmp_path, {"t.yaml": source})
    fixed = run_fix(tmp_path, select=("CT009",))
    assert fixed.text("t.yaml") == source.replace(
        "      IsLogging: true\n",
        "      IsLogging: true\n      KMSKeyId:\n        Fn::GetAtt: [Key, Arn]\n",
    )


def test_json_keeps_its_layout(tmp_path: Path) -> None:
    source = """\
{
    "Resources": {
        "Trail": {
            "Type": "AWS::CloudTrail::Trail",
            "Properties": {
                "S3BucketName": "logs",
                "KMSKeyId": {"Fn::GetAtt": ["Key", "Arn"]},
                "IsLogging": "false"
            }
        },
        "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "b"}},
        "Key": {
            "Type": "AWS::KMS::Key"
        }
    }
}
"""
    tree(tmp_path, {"t.json": source})
    fixed = run_fix(tmp_path, select=("CT007", "CT008", "CT202"))
    assert fixed.text("t.json") == source.replace(
        '"IsLogging": "false"\n',
        '"IsLogging": "true",\n                "EnableLogFileValidation": true\n',
    ).replace(
        '            "Type": "AWS::KMS::Key"\n',
        '            "Type": "AWS::KMS::Key",\n            "Properties": {\n'
        '                "EnableKeyRotation": true\n            }\n',
    )


def test_a_flow_mapping_is_not_rewritten(tmp_path: Path) -> None:
    source = ("Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n"
              "    Properties: {S3BucketName: b, IsLogging: true}\n")
    tree(tmp_path, {"t.yaml": source})
    fixed = run_fix(tmp_path, select=("CT008",))
    assert fixed.outcome("CT008") == (False, "the mapping is written in flow style ({...})")


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def test_a_file_changed_during_the_run_is_left_alone(tmp_path: Path) -> None:
    tree(tmp_path, {"main.tf": TRAIL})
    options = ScanOptions(paths=(tmp_path,), root=tmp_path, select=("CT008",), config=Config())
    started = time.time_ns()
    fixer = Fixer(run_scan(options), options, started)
    fixer.verify(fixer.plan())
    assert fixer.run.texts
    (tmp_path / "main.tf").write_text(TRAIL + "# edited meanwhile\n", encoding="utf-8")
    fixer.write()
    assert (tmp_path / "main.tf").read_text(encoding="utf-8") == TRAIL + "# edited meanwhile\n"
    assert [(o.fixed, o.detail) for o in fixer.run.outcomes] == [
        (False, "main.tf changed on disk during the run; left alone")
    ]


def test_a_file_newer_than_the_scan_is_not_planned(tmp_path: Path) -> None:
    tree(tmp_path, {"main.tf": TRAIL})
    options = ScanOptions(paths=(tmp_path,), root=tmp_path, select=("CT008",), config=Config())
    result = run_scan(options)
    future = (tmp_path / "main.tf").stat().st_mtime_ns + 10**9
    os.utime(tmp_path / "main.tf", ns=(future, future))
    fixer = Fixer(result, options, future - 1)
    assert fixer.plan() == []
    assert fixer.run.outcomes[0].detail == "main.tf changed on disk during the run; left alone"


def test_fixing_writes_and_the_scan_agrees(tmp_path: Path) -> None:
    tree(tmp_path, {"main.tf": TRAIL})
    assert active_keys(tmp_path, ("CT008",)) == [("CT008", "aws_cloudtrail.t")]
    mode = 0o640
    os.chmod(tmp_path / "main.tf", mode)
    run_fix(tmp_path, select=("CT008",), write=True)
    assert active_keys(tmp_path, ("CT008",)) == []
    assert (tmp_path / "main.tf").stat().st_mode & 0o777 == mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["main.tf"]


def test_the_re_check_takes_a_bounded_number_of_scans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Thirty trails whose CT001 fix CloudTrail would reject (CT006) and whose CT008 fix is
    fine: the bad fixes are found without a scan per fix."""
    from scanner.fixing import sandbox

    trails = "".join(
        f'resource "aws_cloudtrail" "t{n}" {{\n  name                          = "t{n}"\n'
        f'  s3_bucket_name                = "b"\n  include_global_service_events = false\n}}\n'
        for n in range(30)
    )
    tree(tmp_path, {"main.tf": trails})
    scans = []
    original = sandbox.Sandbox.scan

    def counted(self: sandbox.Sandbox, texts: dict) -> object:
        scans.append(len(texts))
        return original(self, texts)

    monkeypatch.setattr(sandbox.Sandbox, "scan", counted)
    fixed = run_fix(tmp_path, select=("CT001", "CT006", "CT008"))
    outcomes = {(o.finding.id, o.fixed) for o in fixed.run.outcomes}
    assert outcomes == {("CT001", False), ("CT008", True)}
    assert sum(o.fixed for o in fixed.run.outcomes) == 30
    assert len(scans) <= 8, scans


def test_a_directory_that_cannot_be_written_costs_only_its_fixes(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root: a read-only directory is still writable")
    tree(tmp_path, {"a/main.tf": TRAIL, "b/main.tf": TRAIL.replace('"t"', '"u"')})
    os.chmod(tmp_path / "a", 0o555)
    try:
        fixed = run_fix(tmp_path / "a", select=("CT008",), write=True)
        ok, why = fixed.outcome("CT008")
        assert not ok and why.startswith("cannot write main.tf")
    finally:
        os.chmod(tmp_path / "a", 0o755)


def test_nothing_is_renamed_when_one_file_cannot_be_staged(tmp_path: Path) -> None:
    from scanner.fixing.run import _write_atomically

    tree(tmp_path, {"ok.tf": "old\n"})
    failed = _write_atomically(tmp_path, {"ok.tf": b"new\n", "gone/x.tf": b"new\n"})
    assert list(failed) == ["gone/x.tf"] and failed["gone/x.tf"].startswith("cannot write gone/x.tf")
    assert (tmp_path / "ok.tf").read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.tf"]


def test_a_reference_never_goes_into_a_variable_default(tmp_path: Path) -> None:
    tree(tmp_path, {
        "variables.tf": 'variable "key" {\n  default = ""\n}\n',
        "main.tf": TRAIL.replace('  s3_bucket_name = "b" # where logs go\n',
                                 '  s3_bucket_name = "b"\n  kms_key_id     = var.key\n')
        + 'resource "aws_kms_key" "k" {\n  enable_key_rotation = true\n  policy = jsonencode({\n'
          '    Statement = [{ Effect = "Allow", Principal = { Service = "cloudtrail.amazonaws.com" },'
          ' Action = "kms:GenerateDataKey*", Resource = "*" }]\n  })\n}\n',
    })
    fixed = run_fix(tmp_path, select=("CT009",))
    assert fixed.outcome("CT009") == (
        False, "value comes from var.key, and a default cannot refer to a resource"
    )
