resource "aws_s3_bucket_policy" "p" {
  bucket = "audit-logs"
  policy = <<POLICY
{"Version": "2012-10-17"}
NOT_THE_MARKER
}
