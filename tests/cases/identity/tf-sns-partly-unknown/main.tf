# SNS topic names known only in part: certainly set, so CT012 passes for both trails.
variable "prefix" {
  type = string
}

resource "random_id" "suffix" {
  byte_length = 4
}

resource "aws_sns_topic" "delivery" {
  name = var.prefix
}

resource "aws_cloudtrail" "templated" {
  name                          = "templated"
  s3_bucket_name                = "central-audit-logs"
  is_multi_region_trail         = true
  sns_topic_name                = "${var.prefix}-sns-${random_id.suffix.hex}"
}

resource "aws_cloudtrail" "referenced" {
  name                          = "referenced"
  s3_bucket_name                = "central-audit-logs"
  include_global_service_events = false
  sns_topic_name                = aws_sns_topic.delivery.name
}
