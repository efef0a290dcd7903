# The provider's log group ARN has no ':*' suffix, which CloudTrail rejects: the mistake
# is seen although the group's name is an input without a default.
variable "group_name" {
  type = string
}

resource "aws_cloudwatch_log_group" "trail" {
  name              = var.group_name
  retention_in_days = 400
}

resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = "central-audit-logs"
  is_multi_region_trail      = true
  cloud_watch_logs_group_arn = aws_cloudwatch_log_group.trail.arn
  cloud_watch_logs_role_arn  = "arn:aws:iam::123456789012:role/cloudtrail-delivery"
}
