variable "trail_count" {
  type = number
}

resource "aws_cloudtrail" "counted" {
  count                      = var.trail_count
  name                       = "counted-${count.index}"
  s3_bucket_name             = "audit-logs"
  enable_log_file_validation = true
}
