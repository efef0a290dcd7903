resource "aws_cloudtrail" "audit" {
  name                  = "audit"
  s3_bucket_name        = "audit-logs"
  is_multi_region_trail = true
}

# include_global_service_events defaults to true: IAM/STS events are delivered twice.
resource "aws_cloudtrail" "app" { # expect: CT005
  name           = "app"
  s3_bucket_name = "app-audit-logs"
}
