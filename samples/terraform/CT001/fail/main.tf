resource "aws_cloudtrail" "regional" { # expect: CT001
  name                       = "regional"
  s3_bucket_name             = "audit-logs"
  enable_log_file_validation = true
}

resource "aws_cloudtrail" "explicit" {
  name                       = "explicit"
  s3_bucket_name             = "audit-logs"
  is_multi_region_trail      = false # expect: CT001
  enable_log_file_validation = true
}
