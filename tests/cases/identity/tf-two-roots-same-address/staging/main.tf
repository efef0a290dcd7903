# The staging root: the same addresses as the other root, its own bucket and log group.
resource "aws_s3_bucket" "logs" {
  bucket = "example-staging-trail-logs"
}

resource "aws_s3_bucket_acl" "logs" {
  bucket = aws_s3_bucket.logs.id
  acl    = "public-read"
}

resource "aws_cloudwatch_log_group" "trail" {
  name              = "staging-cloudtrail"
  retention_in_days = 30
}

resource "aws_cloudtrail" "main" {
  name                       = "staging"
  s3_bucket_name             = aws_s3_bucket.logs.id
  is_multi_region_trail      = true
  enable_log_file_validation = true
  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"
  cloud_watch_logs_role_arn  = "arn:aws:iam::123456789012:role/cloudtrail-delivery"
}
