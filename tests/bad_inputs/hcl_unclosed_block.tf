resource "aws_cloudtrail" "broken" {
  name           = "broken"
  s3_bucket_name = "audit-logs"
