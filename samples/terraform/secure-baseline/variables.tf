variable "region" {
  description = "Home region of the organisation's audit trail."
  type        = string
  default     = "us-east-1"
}

variable "trail_name" {
  description = "Name of the account-wide CloudTrail trail."
  type        = string
  default     = "audit"
}

variable "trail_bucket_name" {
  description = "Bucket that receives the trail's log files."
  type        = string
  default     = "audit-cloudtrail-logs"
}

variable "access_log_bucket_name" {
  description = "Bucket that receives the S3 server access logs of the trail bucket."
  type        = string
  default     = "audit-s3-access-logs"
}

variable "s3_key_prefix" {
  description = "Key prefix under which CloudTrail writes its log files."
  type        = string
  default     = "cloudtrail"
}

variable "log_retention_days" {
  description = "Days CloudWatch Logs keeps trail events (CIS and most auditors ask for a year)."
  type        = number
  default     = 365
}

variable "archive_after_days" {
  description = "Days after which delivered log files move to Glacier."
  type        = number
  default     = 90
}

variable "expire_after_days" {
  description = "Days after which delivered log files are deleted (at least a year)."
  type        = number
  default     = 2555
}

variable "alarm_email" {
  description = "Mailbox of the security on-call rotation that receives CIS alarms."
  type        = string
  default     = "security-alerts@example.com"
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default = {
    owner      = "security"
    managed-by = "terraform"
  }
}
