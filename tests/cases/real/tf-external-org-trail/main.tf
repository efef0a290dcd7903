# A member account: the organisation trail lives in the management account (declared in
# .trailscan.toml); this account adds a trail for S3 object events only.
resource "aws_cloudtrail" "data_events" {
  name                          = "s3-data-events"
  s3_bucket_name                = "acme-member-data-events"
  is_multi_region_trail         = true
  include_global_service_events = true

  event_selector {
    read_write_type           = "All"
    include_management_events = false

    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }
  }
}
