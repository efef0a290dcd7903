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


def test_references_in_heredocs_directives_modules_and_data_sources(tmp_path: Path) -> None:
    model = load(tmp_path, {
        "main.tf": """
            variable "on" { default = true }
            data "aws_caller_identity" "me" {}
            module "m" { source = "./m" }
            resource "aws_s3_bucket" "b" {}
            resource "aws_kms_key" "k" {}
            resource "aws_cloudtrail" "t" {
              name           = module.m.name
              s3_bucket_name = "${path.module}-${var.on}"
              s3_key_prefix  = <<EOT
            ${aws_s3_bucket.b.id}/${data.aws_caller_identity.me.account_id}
            %{ if var.on }${aws_kms_key.k.arn}%{ endif }
            EOT
            }
        """,
        "m/main.tf": """
            output "name" { value = aws_s3_bucket.inner.id }
            resource "aws_s3_bucket" "inner" {}
            resource "aws_cloudtrail" "t" {
              s3_bucket_name = aws_s3_bucket.inner.id
            }
        """,
    })
    assert {t.ref: t.depends_on for t in model.trails} == {
        "aws_cloudtrail.t": (
            # a module output: what the output refers to (as Terraform orders it), not the
            # whole module
            "aws_kms_key.k", "aws_s3_bucket.b", "data.aws_caller_identity.me",
            "module.m.aws_s3_bucket.inner",
        ),
        "module.m.aws_cloudtrail.t": ("module.m.aws_s3_bucket.inner",),
    }
