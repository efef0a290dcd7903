variable "logs_bucket" {
  type = string
}

variable "s3_key_prefix" {
  type = string
}

variable "trail_name" {
  type = string
}

variable "cloudwatch_log_group_name" {
  type = string
}
