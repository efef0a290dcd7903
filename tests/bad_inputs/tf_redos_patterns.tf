# Metric filters whose wildcards and regexes make a backtracking matcher run for hours
# on the sample CloudTrail events: 15 stars in a JSON value (".*" fifteen times), a run of
# \w* before a "!" that never comes, and a term-form regex of the same shape.
resource "aws_cloudwatch_log_group" "trail" {
  name = "/aws/cloudtrail/redos"
}

resource "aws_cloudtrail" "redos" {
  name                       = "redos"
  s3_bucket_name             = "redos-trail-logs"
  enable_log_file_validation = true
  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"
  cloud_watch_logs_role_arn  = "arn:aws:iam::123456789012:role/redos-to-logs"
}

resource "aws_cloudwatch_log_metric_filter" "stars" {
  name           = "stars"
  log_group_name = aws_cloudwatch_log_group.trail.name
  pattern        = "{ ($.eventName = \"***************Z\") || ($.eventSource = \"a***************Z\") }"

  metric_transformation {
    name      = "stars"
    namespace = "redos"
    value     = "1"
  }
}

resource "aws_cloudwatch_log_metric_filter" "regex" {
  name           = "regex"
  log_group_name = aws_cloudwatch_log_group.trail.name
  pattern        = "{ $.eventName = %\\w*\\w*\\w*\\w*\\w*\\w*\\w*\\w*\\w*\\w*\\w*\\w*\\w*\\w*!% }"

  metric_transformation {
    name      = "regex"
    namespace = "redos"
    value     = "1"
  }
}

resource "aws_cloudwatch_log_metric_filter" "terms" {
  name           = "terms"
  log_group_name = aws_cloudwatch_log_group.trail.name
  pattern        = "%[a-zA-Z]*[a-zA-Z]*[a-zA-Z]*[a-zA-Z]*[a-zA-Z]*[a-zA-Z]*[a-zA-Z]*[a-zA-Z]*[a-zA-Z]*[a-zA-Z]*[a-zA-Z]*[a-zA-Z]*#%"

  metric_transformation {
    name      = "terms"
    namespace = "redos"
    value     = "1"
  }
}

resource "aws_cloudwatch_log_metric_filter" "nested" {
  name           = "nested"
  log_group_name = aws_cloudwatch_log_group.trail.name
  pattern        = "{ $.eventName = %(a+)+$% }"

  metric_transformation {
    name      = "nested"
    namespace = "redos"
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "stars" {
  alarm_name          = "stars"
  metric_name         = "stars"
  namespace           = "redos"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = ["arn:aws:sns:us-east-1:123456789012:alarms"]
}

resource "aws_cloudwatch_metric_alarm" "regex" {
  alarm_name          = "regex"
  metric_name         = "regex"
  namespace           = "redos"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = ["arn:aws:sns:us-east-1:123456789012:alarms"]
}

resource "aws_cloudwatch_metric_alarm" "terms" {
  alarm_name          = "terms"
  metric_name         = "terms"
  namespace           = "redos"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = ["arn:aws:sns:us-east-1:123456789012:alarms"]
}
