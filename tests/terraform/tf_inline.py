"""Helpers of the Terraform front-end tests: inline HCL written to a temporary root and
loaded the way a scan loads it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from scanner.model import Model, Trail
from scanner.parsers.terraform import load_terraform

CORPUS = Path("/work/shared/corpus/cases")

# A child module holding one trail, called by the module tests.
INNER = """
variable "bucket" {}
variable "multi" { default = false }
resource "aws_cloudtrail" "t" {
  name                  = "inner"
  s3_bucket_name        = var.bucket
  is_multi_region_trail = var.multi
}
output "trail_arn" { value = aws_cloudtrail.t.arn }
"""

# Log group, metric filter, alarm, topic and event rule wired together (records tests).
MONITORING = """
        resource "aws_cloudwatch_log_group" "g" {
          name              = "ct"
          retention_in_days = 365
        }
        resource "aws_cloudwatch_log_metric_filter" "f" {
          name           = "root"
          log_group_name = aws_cloudwatch_log_group.g.name
          pattern        = "{ $.userIdentity.type = \\"Root\\" }"
          metric_transformation {
            name      = "RootUsage"
            namespace = "CIS"
            value     = "1"
          }
        }
        resource "aws_sns_topic" "alerts" { name = "alerts" }
        resource "aws_sns_topic_subscription" "s" {
          topic_arn = aws_sns_topic.alerts.arn
          protocol  = "email"
          endpoint  = "a@example.com"
        }
        resource "aws_cloudwatch_metric_alarm" "a" {
          alarm_name    = "root"
          metric_name   = "RootUsage"
          namespace     = "CIS"
          alarm_actions = [aws_sns_topic.alerts.arn]
        }
        resource "aws_cloudwatch_event_rule" "r" {
          name          = "ct-changes"
          event_pattern = jsonencode({ source = ["aws.cloudtrail"] })
          state         = "DISABLED"
        }
        resource "aws_cloudwatch_event_target" "t" {
          rule = aws_cloudwatch_event_rule.r.name
          arn  = aws_sns_topic.alerts.arn
        }
    """


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


def load(tmp_path: Path, files: dict[str, str], unit: str = "stack", **kwargs: object) -> Model:
    write(tmp_path / unit, files)
    return load_terraform(tmp_path / unit, tmp_path, **kwargs)  # type: ignore[arg-type]


def trail_named(model: Model, ref: str) -> Trail:
    return next(t for t in model.trails if t.ref == ref)


def one_trail(tmp_path: Path, body: str, extra: str = "", **kwargs: object) -> Trail:
    model = load(tmp_path, {"main.tf": extra + '\nresource "aws_cloudtrail" "t" {\n'
                            + body + "\n}\n"}, **kwargs)
    assert not model.problems, model.problems
    return model.trails[0]
