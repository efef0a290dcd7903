# The same shape with nothing protecting the bucket: each bucket policy fails on the
# bucket's settings although its name is unknown.
variable "bucket_name" {
  type = string
}

resource "aws_s3_bucket" "trail" {
  bucket = var.bucket_name
}

resource "aws_s3_bucket_acl" "trail" {
  bucket = aws_s3_bucket.trail.id
  acl    = "public-read"
}

resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = aws_s3_bucket.trail.id
  is_multi_region_trail      = true
  enable_log_file_validation = true
}
