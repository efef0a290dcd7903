variable "name" {
  description = "Trail name."
  type        = string
}

variable "bucket_name" {
  description = "Name of the bucket created for the trail's log files."
  type        = string
}

variable "s3_key_prefix" {
  description = "Key prefix of delivered log files."
  type        = string
  default     = "cloudtrail"
}

variable "access_log_bucket" {
  description = "Bucket that receives the trail bucket's server access logs."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer-managed key that encrypts the log files."
  type        = string
}

variable "log_group_arn" {
  description = "ARN of the CloudWatch Logs group the trail streams to (without :*)."
  type        = string
}

variable "cloudwatch_role_arn" {
  description = "Role CloudTrail assumes to write to the log group."
  type        = string
}

variable "sns_topic_name" {
  description = "Topic notified of every delivered log file."
  type        = string
}

variable "archive_after_days" {
  description = "Days before log files move to Glacier."
  type        = number
  default     = 90
}

variable "expire_after_days" {
  description = "Days before log files are deleted."
  type        = number
  default     = 2555
}

variable "record_s3_data_events" {
  description = "Record S3 object-level read and write events for every bucket."
  type        = bool
  default     = true
}
