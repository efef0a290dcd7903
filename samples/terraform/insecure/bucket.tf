# The trails' bucket: readable by everyone, never archived or expired, no access logging,
# no versioning, and a policy that forgot the ACL check CloudTrail performs before writing.
resource "aws_s3_bucket" "trail_logs" { # expect: CT102, CT104, CT105
  bucket = "example-trail-logs"
}

# A public canned ACL needs ACLs enabled and the bucket's public access block relaxed.
resource "aws_s3_bucket_ownership_controls" "trail_logs" {
  bucket = aws_s3_bucket.trail_logs.id

  rule {
    object_ownership = "ObjectWriter"
  }
}

resource "aws_s3_bucket_public_access_block" "trail_logs" {
  bucket                  = aws_s3_bucket.trail_logs.id
  block_public_acls       = false # expect: CT103
  block_public_policy     = true
  ignore_public_acls      = false # expect: CT103
  restrict_public_buckets = true
}

resource "aws_s3_bucket_acl" "trail_logs" {
  bucket = aws_s3_bucket.trail_logs.id
  acl    = "public-read" # expect: CT103

  depends_on = [
    aws_s3_bucket_ownership_controls.trail_logs,
    aws_s3_bucket_public_access_block.trail_logs,
  ]
}

resource "aws_s3_bucket_policy" "trail_logs" {
  bucket = aws_s3_bucket.trail_logs.id
  policy = jsonencode({ # expect: CT101
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AWSCloudTrailWrite"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.trail_logs.arn}/AWSLogs/${data.aws_caller_identity.current.account_id}/*"
        Condition = { StringEquals = { "s3:x-amz-acl" = "bucket-owner-full-control" } }
      },
    ]
  })
}
