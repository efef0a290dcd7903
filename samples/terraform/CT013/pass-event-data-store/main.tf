# A CloudTrail Lake event data store that records the object-level events of every bucket.
resource "aws_cloudtrail_event_data_store" "s3_objects" {
  name = "s3-objects"

  advanced_event_selector {
    name = "S3 object events"

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
