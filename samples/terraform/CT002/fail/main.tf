# Two trails, neither records every management event in every region.
resource "aws_cloudtrail" "audit" { # expect: CT002
  name                  = "audit"
  s3_bucket_name        = "audit-logs"
  is_multi_region_trail = true

  event_selector {
    read_write_type                  = "All"
    include_management_events        = true
    exclude_management_event_sources = ["kms.amazonaws.com"]
  }
}

resource "aws_cloudtrail" "regional" {
  name           = "regional"
  s3_bucket_name = "audit-logs"
}
