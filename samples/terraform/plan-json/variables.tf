variable "region" {
  type    = string
  default = "us-east-1"
}

variable "trail_name" {
  type    = string
  default = "audit"
}

variable "bucket_name" {
  type = string
}

variable "create_bucket" {
  type    = bool
  default = true
}

variable "validate_log_files" {
  type    = bool
  default = true
}

variable "data_event_buckets" {
  description = "Buckets whose object-level events the trail records (arn:aws:s3 for all)."
  type        = list(string)
  default     = ["arn:aws:s3"]
}
