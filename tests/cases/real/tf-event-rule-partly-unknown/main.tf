# A trail with its log group, and one EventBridge rule that watches changes to a few
# service control policies whose ids are known only after apply.
resource "aws_cloudwatch_log_group" "trail" {
  name              = "/aws/cloudtrail/audit"
  retention_in_days = 365
}

resource "aws_iam_role" "trail" {
  name = "cloudtrail-to-cloudwatch"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "cloudtrail.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_cloudtrail" "audit" {
  name                       = "audit"
  s3_bucket_name             = "acme-audit-logs"
  is_multi_region_trail      = true
  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"
  cloud_watch_logs_role_arn  = aws_iam_role.trail.arn
}

resource "aws_organizations_policy" "deny_leave" {
  name    = "deny-leave-organization"
  content = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = "organizations:LeaveOrganization", Resource = "*" }] })
}

resource "aws_sns_topic" "alerts" {
  name = "scp-change-alerts"
}

resource "aws_cloudwatch_event_rule" "scp_changes" {
  name = "scp-changes"
  event_pattern = jsonencode({
    "detail-type" = ["AWS API Call via CloudTrail"]
    "source"      = ["aws.organizations"]
    "detail" = {
      "eventSource"       = ["organizations.amazonaws.com"]
      "eventName"         = ["UpdatePolicy", "AttachPolicy", "DetachPolicy", "DeletePolicy"]
      "requestParameters" = { "policyId" = [aws_organizations_policy.deny_leave.id] }
    }
  })
}

resource "aws_cloudwatch_event_target" "scp_changes" {
  rule = aws_cloudwatch_event_rule.scp_changes.name
  arn  = aws_sns_topic.alerts.arn
}
