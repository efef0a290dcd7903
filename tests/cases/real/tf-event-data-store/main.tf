# An account that records its events in CloudTrail Lake instead of a trail.
resource "aws_kms_key" "lake" {
  description         = "CloudTrail Lake"
  enable_key_rotation = true
}

resource "aws_cloudtrail_event_data_store" "management" {
  name       = "management-events"
  kms_key_id = aws_kms_key.lake.arn
}

resource "aws_cloudtrail_event_data_store" "s3_objects" {
  name                 = "s3-object-events"
  multi_region_enabled = false
  retention_period     = 365

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
