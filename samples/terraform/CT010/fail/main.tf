resource "aws_cloudtrail" "main" { # expect: CT010
  name           = "main"
  s3_bucket_name = "audit-logs"
}
