resource "aws_sns_topic" "deliveries" {
  name = "cloudtrail-deliveries"
}

resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "audit-logs"
  sns_topic_name = aws_sns_topic.deliveries.name
}
