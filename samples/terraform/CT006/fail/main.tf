resource "aws_cloudwatch_log_group" "trail" {
  name = "cloudtrail"
}

resource "aws_iam_role" "delivery" {
  name = "cloudtrail-delivery"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "cloudtrail.amazonaws.com" } }]
  })
}

resource "aws_cloudtrail" "no_role" {
  name                       = "no-role"
  s3_bucket_name             = "audit-logs"
  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*" # expect: CT006
}

resource "aws_cloudtrail" "no_suffix" {
  name                       = "no-suffix"
  s3_bucket_name             = "audit-logs"
  cloud_watch_logs_group_arn = aws_cloudwatch_log_group.trail.arn # expect: CT006
  cloud_watch_logs_role_arn  = aws_iam_role.delivery.arn
}

resource "aws_cloudtrail" "multi_region_without_global" {
  name                          = "multi-region-without-global"
  s3_bucket_name                = "audit-logs"
  is_multi_region_trail         = true
  include_global_service_events = false # expect: CT006
}
