resource "aws_s3_bucket" "local" {
  bucket = "workload-audit-logs"
}

resource "aws_cloudtrail" "local_bucket" {
  name           = "local-audit"
  s3_bucket_name = aws_s3_bucket.local.id # expect: ORG001
}

resource "aws_cloudtrail" "someone_elses" {
  name           = "other-audit"
  s3_bucket_name = "aws-controltower-logs-999988887777-eu-west-1" # expect: ORG001
}
