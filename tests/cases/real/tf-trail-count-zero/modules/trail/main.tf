variable "create" {
  type    = bool
  default = true
}

resource "aws_cloudtrail" "this" {
  count          = var.create ? 1 : 0
  name           = "audit"
  s3_bucket_name = "acme-audit-logs"
}
