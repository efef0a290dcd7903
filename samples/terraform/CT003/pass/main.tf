resource "aws_s3_bucket" "logs" {
  bucket = "audit-logs"
}

resource "aws_cloudtrail" "main" {
  name                  = "main"
  s3_bucket_name        = aws_s3_bucket.logs.id
  is_multi_region_trail = true
}
