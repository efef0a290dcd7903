"""records/bucket.py: aws_s3_bucket in the inline and split shapes, and the account's
public access block."""

from __future__ import annotations

from pathlib import Path

from tf_inline import load

from scanner.model import Origin, Span


def test_split_s3_resources_merge_into_one_bucket(tmp_path: Path) -> None:
    model = load(tmp_path, {
        "bucket.tf": 'resource "aws_s3_bucket" "logs" {\n  bucket = "trail-logs"\n}\n',
        "split.tf": """
            resource "aws_s3_bucket_public_access_block" "pab" {
              bucket                  = aws_s3_bucket.logs.id
              block_public_acls       = true
              block_public_policy     = true
              ignore_public_acls      = true
              restrict_public_buckets = true
            }
            resource "aws_s3_bucket_versioning" "v" {
              bucket = "trail-logs"
              versioning_configuration {
                status = "Enabled"
              }
            }
            resource "aws_s3_bucket_logging" "l" {
              bucket        = aws_s3_bucket.logs.bucket
              target_bucket = "access-logs"
            }
            resource "aws_s3_bucket_lifecycle_configuration" "lc" {
              bucket = aws_s3_bucket.logs.id
              rule {
                id     = "archive"
                status = "Enabled"
                filter {}
                transition {
                  days          = 90
                  storage_class = "GLACIER"
                }
                expiration {
                  days = 400
                }
              }
              rule {
                id     = "tagged"
                status = "Disabled"
                filter {
                  and {
                    prefix = "AWSLogs/"
                    tags   = { a = "b" }
                  }
                }
              }
            }
            resource "aws_s3_bucket_acl" "acl" {
              bucket = aws_s3_bucket.logs.id
              acl    = "log-delivery-write"
            }
            resource "aws_s3_bucket_object_lock_configuration" "ol" {
              bucket = aws_s3_bucket.logs.id
              rule {
                default_retention {
                  mode  = "GOVERNANCE"
                  years = 1
                }
              }
            }
            resource "aws_s3_bucket_versioning" "other" {
              bucket = "someone-else"
              versioning_configuration { status = "Suspended" }
            }
        """,
    })
    (bucket,) = model.buckets
    assert bucket.span.path == "stack/bucket.tf"
    pab = bucket.public_access_block.value
    assert pab is not None and pab.block_public_acls.value is True
    assert bucket.public_access_block.span.path == "stack/split.tf"
    assert bucket.versioning.value == "Enabled"
    assert bucket.versioning.span == Span(path="stack/split.tf", line=11, column=5,
                                          end_line=11, end_column=23)
    assert bucket.logging_target.value == "access-logs"
    archive, tagged = bucket.lifecycle_rules.value
    assert archive.enabled.value is True and archive.prefix.value == "" and not archive.narrowed
    assert archive.transitions[0].storage_class == "GLACIER"
    assert archive.transitions[0].days.value == 90
    assert archive.expiration_days.value == 400
    assert tagged.enabled.value is False and tagged.prefix.value == "AWSLogs/"
    assert tagged.narrowed
    assert bucket.acl.value == "log-delivery-write"
    assert bucket.object_lock.value is True
    assert bucket.object_lock_retention_days.value == 365
    assert bucket.mfa_delete.origin is Origin.DEFAULT


def test_inline_bucket_blocks(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        resource "aws_s3_bucket" "b" {
          bucket = "inline"
          acl    = "private"
          versioning {
            enabled = true
          }
          logging {
            target_bucket = "access"
          }
          lifecycle_rule {
            id      = "expire"
            enabled = true
            prefix  = "AWSLogs/"
            expiration {
              days = 365
            }
          }
        }
    """})
    (bucket,) = model.buckets
    assert bucket.versioning.value == "Enabled"
    assert bucket.logging_target.value == "access"
    (rule,) = bucket.lifecycle_rules.value
    assert rule.prefix.value == "AWSLogs/" and rule.expiration_days.value == 365
    assert rule.transitions == ()


def test_account_public_access_block(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        resource "aws_s3_account_public_access_block" "acct" {
          block_public_acls   = true
          block_public_policy = true
        }
    """})
    (acct,) = model.account_public_access_blocks
    assert acct.settings.block_public_acls.value is True
    assert acct.settings.restrict_public_buckets.origin is Origin.DEFAULT
