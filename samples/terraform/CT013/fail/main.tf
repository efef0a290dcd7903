resource "aws_cloudtrail" "main" { # expect: CT013
  name                  = "main"
  s3_bucket_name        = "audit-logs"
  is_multi_region_trail = true

  # Object events of one bucket only: buckets created later are not covered.
  event_selector {
    read_write_type = "All"

    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3:::payroll/"]
    }
  }
}
