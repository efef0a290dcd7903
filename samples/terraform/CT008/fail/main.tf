resource "aws_cloudtrail" "explicit_false" {
  name                       = "explicit-false"
  s3_bucket_name             = "audit-logs"
  enable_log_file_validation = false # expect: CT008
}

resource "aws_cloudtrail" "omitted" { # expect: CT008
  name           = "omitted"
  s3_bucket_name = "audit-logs"
}
