resource "aws_cloudtrail" "audit" {
  name                  = "audit"
  s3_bucket_name        = "audit-logs"
  is_multi_region_trail = true

  event_selector {
    read_write_type           = "All"
    include_management_events = true

    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }
  }
}

resource "aws_cloudtrail" "regional" {
  name           = "regional"
  s3_bucket_name = "audit-logs"
}
