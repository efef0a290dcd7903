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

resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = "audit-logs"
  is_multi_region_trail      = true
  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"
  cloud_watch_logs_role_arn  = aws_iam_role.delivery.arn
}

# A single-region trail may leave global service events out.
resource "aws_cloudtrail" "regional" {
  name                          = "regional"
  s3_bucket_name                = "audit-logs"
  include_global_service_events = false
}
