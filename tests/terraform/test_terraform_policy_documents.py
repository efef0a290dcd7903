"""policy_documents.py: data "aws_iam_policy_document" rendered to the JSON policies read."""

from __future__ import annotations

from pathlib import Path

from tf_inline import load

from scanner.model import Origin, Principal


def test_iam_policy_document_statements(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        data "aws_caller_identity" "me" {}
        data "aws_iam_policy_document" "d" {
          statement {
            sid     = "Write"
            actions = ["s3:PutObject"]
            resources = ["${aws_s3_bucket.b.arn}/AWSLogs/${data.aws_caller_identity.me.account_id}/*"]
            principals {
              type        = "Service"
              identifiers = ["cloudtrail.amazonaws.com"]
            }
            condition {
              test     = "StringEquals"
              variable = "s3:x-amz-acl"
              values   = ["bucket-owner-full-control"]
            }
          }
          statement {
            effect    = "Deny"
            actions   = ["s3:*"]
            resources = ["*"]
            principals {
              type        = "*"
              identifiers = ["*"]
            }
            condition {
              test     = "Bool"
              variable = "aws:SecureTransport"
              values   = [false]
            }
          }
        }
        resource "aws_s3_bucket" "b" { bucket = "logs" }
        resource "aws_s3_bucket_policy" "p" {
          bucket = aws_s3_bucket.b.id
          policy = data.aws_iam_policy_document.d.json
        }
    """})
    policy = model.buckets[0].policy
    assert policy.origin is Origin.EXPLICIT and policy.span.line == 35
    write_stmt, deny = policy.value.statements
    assert write_stmt.sid == "Write" and write_stmt.effect == "Allow"
    assert write_stmt.principals == (Principal(kind="Service", value="cloudtrail.amazonaws.com"),)
    assert write_stmt.resources == ("arn:aws:s3:::logs/AWSLogs/${AWS::AccountId}/*",)
    assert write_stmt.conditions[0].values == ("bucket-owner-full-control",)
    assert write_stmt.span.line == 3
    assert deny.effect == "Deny" and deny.principals == (Principal(kind="*", value="*"),)
    assert deny.conditions[0].values == ("false",)


def test_policy_document_source_and_override(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        data "aws_iam_policy_document" "base" {
          statement {
            sid       = "A"
            actions   = ["s3:GetObject"]
            resources = ["*"]
          }
          statement {
            sid       = "B"
            actions   = ["s3:ListBucket"]
            resources = ["*"]
          }
        }
        data "aws_iam_policy_document" "final" {
          source_policy_documents   = [data.aws_iam_policy_document.base.json]
          override_policy_documents = [jsonencode({ Statement = [
            { Sid = "B", Effect = "Deny", Action = "s3:*", Resource = "*" }
          ] })]
        }
        resource "aws_s3_bucket" "b" { policy = data.aws_iam_policy_document.final.json }
    """})
    stmts = model.buckets[0].policy.value.statements
    assert [(s.sid, s.effect, s.actions) for s in stmts] == [
        ("A", "Allow", ("s3:GetObject",)), ("B", "Deny", ("s3:*",)),
    ]
