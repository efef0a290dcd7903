variable "trail_name" {
  description = "Name of the trail."
  type        = string
}

variable "bucket_name" {
  description = "Bucket that receives the trail's log files."
  type        = string
}

variable "enable_log_file_validation" {
  description = "Whether CloudTrail writes digest files."
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "Key that encrypts the log files (none by default)."
  type        = string
  default     = null
}
