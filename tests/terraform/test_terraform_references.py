"""references.py: a record's depends_on, from depends_on and from the references its
expressions (locals, heredocs, modules, data sources) make."""

from __future__ import annotations

from pathlib import Path

from tf_inline import load


def test_implicit_and_explicit_depends_on(tmp_path: Path) -> None:
    model = load(tmp_path, {"main.tf": """
        locals { lg = aws_cloudwatch_log_group.g.arn }
        resource "aws_cloudwatch_log_group" "g" {}
        resource "aws_s3_bucket" "b" {}
        resource "aws_s3_bucket_policy" "p" { bucket = aws_s3_bucket.b.id }
        resource "aws_cloudtrail" "t" {
          name                       = "t"
          s3_bucket_name             = aws_s3_bucket.b.id
          cloud_watch_logs_group_arn = "${local.lg}:*"
          depends_on                 = [aws_s3_bucket_policy.p]
        }
    """})
    assert model.trails[0].depends_on == (
        "aws_cloudwatch_log_group.g", "aws_s3_bucket.b", "aws_s3_bucket_policy.p",
    )
