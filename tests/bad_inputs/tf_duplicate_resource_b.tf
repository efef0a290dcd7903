resource "aws_cloudtrail" "dup" {
  name                       = "dup"
  s3_bucket_name             = "logs"
  enable_log_file_validation = false
  enable_log_file_validation = true
}
