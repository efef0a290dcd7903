variable "name" {
  description = "Bucket name."
  type        = string
}

variable "archive_after_days" {
  description = "Days after which log files move to Glacier."
  type        = number
  default     = 90
}
