resource "aws_cloudtrail" "omitted" { # expect: CT009
  name           = "omitted"
  s3_bucket_name = "audit-logs"
}

resource "aws_cloudtrail" "empty" {
  name           = "empty"
  s3_bucket_name = "audit-logs"
  kms_key_id     = "" # expect: CT009
}
