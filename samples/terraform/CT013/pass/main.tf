resource "aws_cloudtrail" "main" {
  name                  = "main"
  s3_bucket_name        = "audit-logs"
  is_multi_region_trail = true
}

resource "aws_cloudtrail" "objects" {
  name                          = "objects"
  s3_bucket_name                = "audit-logs"
  is_multi_region_trail         = true
  include_global_service_events = true

  advanced_event_selector {
    name = "All S3 object events"

    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }

    field_selector {
      field  = "resources.type"
      equals = ["AWS::S3::Object"]
    }
  }
}
