# expect: CT003 -- this account must define its trail here, but only the bucket exists.
resource "aws_s3_bucket" "logs" {
  bucket = "audit-logs"
}
