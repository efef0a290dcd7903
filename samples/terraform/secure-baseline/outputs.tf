output "trail_arn" {
  description = "ARN of the audit trail."
  value       = module.trail.trail_arn
}

output "trail_bucket" {
  description = "Bucket that stores the trail's log files."
  value       = module.trail.bucket_name
}

output "cloudtrail_kms_key_arn" {
  description = "Key that encrypts the trail's log files and its CloudWatch Logs group."
  value       = aws_kms_key.cloudtrail.arn
}

output "security_alarm_topic_arn" {
  description = "Topic that receives the CIS monitoring alarms."
  value       = aws_sns_topic.security_alarms.arn
}
