"""records/kms.py: aws_kms_key with its policy (inline or aws_kms_key_policy) and aliases."""

from __future__ import annotations

from pathlib import Path

from tf_inline import load

from scanner.model import Origin, Principal


def test_jsonencode_policy_with_statement_spans(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        resource "aws_kms_key" "k" {
          enable_key_rotation = true
          policy = jsonencode({
            Version = "2012-10-17"
            Statement = [
              {
                Sid       = "CT"
                Effect    = "Allow"
                Principal = { Service = "cloudtrail.amazonaws.com" }
                Action    = "kms:GenerateDataKey*"
                Resource  = "*"
                Condition = { StringLike = { "kms:EncryptionContext:aws:cloudtrail:arn" = var.arn } }
              }
            ]
          })
        }
        variable "arn" {}
    """})
    (key,) = model.kms_keys
    (stmt,) = key.policy.value.statements
    assert stmt.actions == ("kms:GenerateDataKey*",)
    assert stmt.span.line == 6
    assert stmt.unknown == ("Condition",)
    assert key.rotation.value is True and key.enabled.origin is Origin.DEFAULT
    assert key.key_id.value == "${aws_kms_key.k}"


def test_heredoc_policy_and_kms_alias(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        resource "aws_kms_key" "k" {
          policy = <<-POLICY
            {
              "Version": "2012-10-17",
              "Statement": {
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["kms:Decrypt"],
                "Resource": "*"
              }
            }
          POLICY
        }
        resource "aws_kms_alias" "a" {
          name          = "alias/trail"
          target_key_id = aws_kms_key.k.key_id
        }
    """})
    (key,) = model.kms_keys
    (stmt,) = key.policy.value.statements
    assert stmt.principals == (Principal(kind="*", value="*"),)
    assert stmt.actions == ("kms:Decrypt",)
    assert key.aliases == ("alias/trail",)


def test_key_policy_resource_replaces_the_key_policy(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        resource "aws_kms_key" "k" {}
        resource "aws_kms_key_policy" "kp" {
          key_id = aws_kms_key.k.id
          policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "kms:*", Resource = "*",
                                              Principal = { AWS = "arn:aws:iam::1:root" } }] })
        }
    """})
    (key,) = model.kms_keys
    assert key.policy.span.line == 4
    assert key.policy.value.statements[0].principals == (
        Principal(kind="AWS", value="arn:aws:iam::1:root"),
    )


def test_key_attrs_carry_their_terraform_names(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        resource "aws_kms_key" "a" {
          enable_key_rotation      = true
          customer_master_key_spec = "SYMMETRIC_DEFAULT"
          policy                   = jsonencode({ Statement = [] })
        }
        resource "aws_kms_key" "b" {}
    """})
    written, bare = model.kms_keys
    fields = ("key_id", "arn", "policy", "rotation", "enabled", "key_spec")
    assert {f: getattr(written, f).name for f in fields} == {
        "key_id": "key_id", "arn": "arn", "policy": "policy", "rotation": "enable_key_rotation",
        "enabled": "is_enabled", "key_spec": "customer_master_key_spec",
    }
    assert {f: getattr(bare, f).name for f in fields} == {
        "key_id": "key_id", "arn": "arn", "policy": "policy", "rotation": "enable_key_rotation",
        "enabled": "is_enabled", "key_spec": "key_spec",
    }
    assert bare.rotation.origin is Origin.DEFAULT and written.rotation.origin is Origin.EXPLICIT
