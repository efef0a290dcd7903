resource "aws_cloudtrail" "audit" {
  name                  = "audit"
  s3_bucket_name        = "audit-logs"
  is_multi_region_trail = true
}

resource "aws_cloudtrail" "app" {
  name                          = "app"
  s3_bucket_name                = "app-audit-logs"
  include_global_service_events = false
}
