resource "aws_kms_key" "lake" {
  description         = "CloudTrail Lake event data store"
  enable_key_rotation = true
}

resource "aws_cloudtrail_event_data_store" "audit" {
  name       = "audit"
  kms_key_id = aws_kms_key.lake.arn
}
