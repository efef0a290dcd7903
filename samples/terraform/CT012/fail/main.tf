resource "aws_cloudtrail" "main" { # expect: CT012
  name           = "main"
  s3_bucket_name = "audit-logs"
}
