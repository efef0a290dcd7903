resource "aws_cloudwatch_log_group" "trail" { # expect: CT302, CT401, CT402, CT403, CT404, CT405, CT406, CT407, CT408, CT409, CT410, CT411, CT412, CT413, CT414, CT415
  name              = "/aws/cloudtrail/main"
  retention_in_days = 30 # expect: CT301
}

resource "aws_iam_role" "trail_to_cloudwatch" {
  name = "cloudtrail-to-cloudwatch"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "sts:AssumeRole"
      },
    ]
  })
}

resource "aws_iam_role_policy" "trail_to_cloudwatch" {
  name = "cloudwatch-logs-delivery"
  role = aws_iam_role.trail_to_cloudwatch.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.trail.arn}:*"
      },
    ]
  })
}

resource "aws_sns_topic" "alerts" {
  name = "security-alerts"
}

resource "aws_sns_topic_subscription" "alerts" {
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = "soc@example.com"
}

# Copied from a CIS 4.10 blog post and extended by hand: RevokeClusterSecurityGroupIngress
# (Redshift) was forgotten, so 17 of the 18 security-group events are watched.
resource "aws_cloudwatch_log_metric_filter" "security_group_changes" {
  name           = "SecurityGroupChanges"
  log_group_name = aws_cloudwatch_log_group.trail.name
  pattern        = "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ($.eventName = CreateCacheSecurityGroup) || ($.eventName = DeleteCacheSecurityGroup) || ($.eventName = AuthorizeCacheSecurityGroupIngress) || ($.eventName = RevokeCacheSecurityGroupIngress) || ($.eventName = CreateDBSecurityGroup) || ($.eventName = DeleteDBSecurityGroup) || ($.eventName = AuthorizeDBSecurityGroupIngress) || ($.eventName = RevokeDBSecurityGroupIngress) || ($.eventName = CreateClusterSecurityGroup) || ($.eventName = DeleteClusterSecurityGroup) || ($.eventName = AuthorizeClusterSecurityGroupIngress) }"

  metric_transformation {
    name      = "SecurityGroupChanges"
    namespace = "CISBenchmark"
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "security_group_changes" {
  alarm_name          = "security-group-changes"
  metric_name         = "SecurityGroupChanges"
  namespace           = "CISBenchmark"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = [aws_sns_topic.alerts.arn]
}

# The CloudTrail-changes filter is right, but its alarm notifies nobody.
resource "aws_cloudwatch_log_metric_filter" "cloudtrail_changes" {
  name           = "CloudTrailChanges"
  log_group_name = aws_cloudwatch_log_group.trail.name
  pattern        = "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"

  metric_transformation {
    name      = "CloudTrailChanges"
    namespace = "CISBenchmark"
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "cloudtrail_changes" {
  alarm_name          = "cloudtrail-changes"
  metric_name         = "CloudTrailChanges"
  namespace           = "CISBenchmark"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
}
