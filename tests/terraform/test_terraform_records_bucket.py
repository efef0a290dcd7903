"""records/bucket.py: aws_s3_bucket in the inline and split shapes, and the account's
public access block."""

from __future__ import annotations

from pathlib import Path

import pytest
from tf_inline import load

from scanner.model import Attr, Bucket, Origin, Span


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


def _names(bucket: Bucket) -> dict[str, str]:
    return {f: getattr(bucket, f).name for f in (
        "name", "arn", "policy", "public_access_block", "acl", "lifecycle_rules",
        "logging_target", "versioning", "mfa_delete", "object_lock", "object_lock_retention_days",
    )}


def test_bucket_attrs_carry_their_terraform_names_inline_shape(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        resource "aws_s3_bucket" "b" {
          bucket = "inline"
          acl    = "private"
          policy = jsonencode({ Statement = [] })
          versioning {
            enabled    = true
            mfa_delete = false
          }
          logging {
            target_bucket = "access"
          }
          lifecycle_rule {
            enabled = true
            prefix  = "AWSLogs/"
            transition {
              days          = 30
              storage_class = "GLACIER"
            }
            expiration {
              days = 365
            }
          }
          object_lock_configuration {
            object_lock_enabled = "Enabled"
            rule {
              default_retention {
                mode  = "GOVERNANCE"
                years = 1
              }
            }
          }
        }
        resource "aws_s3_bucket" "bare" {}
    """})
    inline, bare = sorted(model.buckets, key=lambda b: b.ref != "aws_s3_bucket.b")
    assert _names(inline) == {
        "name": "bucket",
        "arn": "arn",
        "policy": "policy",
        "public_access_block": "aws_s3_bucket_public_access_block",
        "acl": "acl",
        "lifecycle_rules": "lifecycle_rule",
        "logging_target": "logging.target_bucket",
        "versioning": "versioning.enabled",
        "mfa_delete": "versioning.mfa_delete",
        "object_lock": "object_lock_configuration.object_lock_enabled",
        "object_lock_retention_days": "object_lock_configuration.rule.default_retention.years",
    }
    assert inline.object_lock_retention_days.value == 365
    (rule,) = inline.lifecycle_rules.value
    assert (rule.enabled.name, rule.prefix.name, rule.expiration_days.name) == (
        "enabled", "prefix", "expiration.days"
    )
    assert rule.transitions[0].days.name == "days"
    # Nothing written: every default still names what would be written.
    assert _names(bare) == {
        "name": "bucket",
        "arn": "arn",
        "policy": "policy",
        "public_access_block": "aws_s3_bucket_public_access_block",
        "acl": "acl",
        "lifecycle_rules": "aws_s3_bucket_lifecycle_configuration",
        "logging_target": "aws_s3_bucket_logging",
        "versioning": "aws_s3_bucket_versioning",
        "mfa_delete": "mfa_delete",
        "object_lock": "object_lock_enabled",
        "object_lock_retention_days": "default_retention",
    }
    assert all(getattr(bare, f).origin is Origin.DEFAULT for f in _names(bare) if f not in ("name", "arn"))


def test_bucket_attrs_carry_their_terraform_names_split_shape(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        resource "aws_s3_bucket" "logs" { bucket = "trail-logs" }
        resource "aws_s3_bucket_policy" "p" {
          bucket = aws_s3_bucket.logs.id
          policy = jsonencode({ Statement = [] })
        }
        resource "aws_s3_bucket_public_access_block" "pab" {
          bucket            = aws_s3_bucket.logs.id
          block_public_acls = true
        }
        resource "aws_s3_bucket_acl" "acl" {
          bucket = aws_s3_bucket.logs.id
          acl    = "private"
        }
        resource "aws_s3_bucket_versioning" "v" {
          bucket = aws_s3_bucket.logs.id
          versioning_configuration {
            status = "Enabled"
          }
        }
        resource "aws_s3_bucket_logging" "l" {
          bucket        = aws_s3_bucket.logs.id
          target_bucket = "access-logs"
        }
        resource "aws_s3_bucket_lifecycle_configuration" "lc" {
          bucket = aws_s3_bucket.logs.id
          rule {
            id     = "a"
            status = "Enabled"
            filter {
              prefix = "AWSLogs/"
            }
          }
          rule {
            id     = "b"
            status = "Enabled"
            filter {
              and {
                prefix = "AWSLogs/"
                tags   = { a = "b" }
              }
            }
          }
        }
        resource "aws_s3_bucket_object_lock_configuration" "ol" {
          bucket = aws_s3_bucket.logs.id
          rule {
            default_retention {
              mode = "GOVERNANCE"
              days = 30
            }
          }
        }
    """})
    (bucket,) = model.buckets
    assert _names(bucket) == {
        "name": "bucket",
        "arn": "arn",
        "policy": "policy",
        "public_access_block": "aws_s3_bucket_public_access_block",
        "acl": "acl",
        "lifecycle_rules": "rule",
        "logging_target": "target_bucket",
        "versioning": "versioning_configuration.status",
        "mfa_delete": "versioning_configuration.mfa_delete",
        "object_lock": "aws_s3_bucket_object_lock_configuration",
        "object_lock_retention_days": "rule.default_retention.days",
    }
    assert bucket.mfa_delete.origin is Origin.DEFAULT
    pab = bucket.public_access_block.value
    assert pab is not None
    assert [(a.name, a.origin) for a in (pab.block_public_acls, pab.restrict_public_buckets)] == [
        ("block_public_acls", Origin.EXPLICIT), ("restrict_public_buckets", Origin.DEFAULT),
    ]
    first, second = bucket.lifecycle_rules.value
    assert (first.enabled.name, first.prefix.name) == ("status", "filter.prefix")
    assert second.prefix.name == "filter.and.prefix"
    assert first.expiration_days.name == "expiration.days"


# Canned ACLs as the S3 API spells them.
CANNED = ("private", "public-read", "public-read-write", "authenticated-read",
          "log-delivery-write", "bucket-owner-read", "bucket-owner-full-control", "aws-exec-read")


def _acl(tmp_path: Path, shape: str, written: str) -> Attr[str]:
    if shape == "inline":
        text = f'resource "aws_s3_bucket" "b" {{\n  bucket = "x"\n  acl = "{written}"\n}}\n'
    else:
        text = ('resource "aws_s3_bucket" "b" { bucket = "x" }\n'
                f'resource "aws_s3_bucket_acl" "a" {{\n  bucket = aws_s3_bucket.b.id\n'
                f'  acl = "{written}"\n}}\n')
    (bucket,) = load(tmp_path, {"main.tf": text}).buckets
    return bucket.acl


@pytest.mark.parametrize("shape", ["inline", "split"])
@pytest.mark.parametrize("canned", CANNED)
def test_canned_acls_keep_the_s3_spelling(tmp_path: Path, shape: str, canned: str) -> None:
    acl = _acl(tmp_path, shape, canned)
    assert (acl.value, acl.origin, acl.name) == (canned, Origin.EXPLICIT, "acl")


@pytest.mark.parametrize(
    ("shape", "written", "expected"),
    [
        ("inline", "Public-Read", "public-read"),
        ("split", "LOG-DELIVERY-WRITE", "log-delivery-write"),
        ("split", "Bucket-Owner-Full-Control", "bucket-owner-full-control"),
        # Not a canned ACL: kept as written, never guessed.
        ("inline", "PublicRead", "PublicRead"),
        ("split", "public_read", "public_read"),
        ("split", "my-grant", "my-grant"),
    ],
)
def test_acl_spelling_is_normalised_case_insensitively(
    tmp_path: Path, shape: str, written: str, expected: str
) -> None:
    assert _acl(tmp_path, shape, written).value == expected


def test_unresolved_acl_stays_unknown(tmp_path: Path) -> None:
    (bucket,) = load(tmp_path, {"main.tf": (
        'variable "acl" {}\nresource "aws_s3_bucket" "b" {\n  acl = var.acl\n}\n'
    )}).buckets
    assert (bucket.acl.origin, bucket.acl.name) == (Origin.UNKNOWN, "acl")
