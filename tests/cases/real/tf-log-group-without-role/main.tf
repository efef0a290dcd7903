# The trail names its log group but not the role CloudTrail assumes to write to it:
# CloudTrail rejects the trail (CT006) and nothing reaches CloudWatch Logs (CT010).
resource "aws_cloudwatch_log_group" "trail" {
  name              = "/aws/cloudtrail/audit"
  retention_in_days = 365
}

resource "aws_cloudtrail" "audit" {
  name                       = "audit"
  s3_bucket_name             = "acme-audit-logs"
  is_multi_region_trail      = true
  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"
}
