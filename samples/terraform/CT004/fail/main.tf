resource "aws_cloudtrail" "main" {
  name                          = "main"
  s3_bucket_name                = "audit-logs"
  is_multi_region_trail         = true
  include_global_service_events = false # expect: CT004
}

# Records only S3 object events: it delivers no IAM/STS events either.
resource "aws_cloudtrail" "objects" {
  name           = "objects"
  s3_bucket_name = "audit-logs"

  event_selector {
    read_write_type           = "All"
    include_management_events = false

    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }
  }
}
