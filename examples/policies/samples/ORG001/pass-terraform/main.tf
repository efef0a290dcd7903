resource "aws_cloudtrail" "org" {
  name                  = "org-audit"
  s3_bucket_name        = "aws-controltower-logs-222233334444-eu-west-1"
  is_multi_region_trail = true
}
