resource "aws_cloudtrail" "validated" {
  name                       = "validated"
  s3_bucket_name             = "audit-logs"
  enable_log_file_validation = true
}
