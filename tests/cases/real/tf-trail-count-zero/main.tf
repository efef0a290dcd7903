# A reusable module's example: every trail is switched off by default.
variable "enabled" {
  type    = bool
  default = false
}

variable "extra_trails" {
  type    = map(string)
  default = {}
}

resource "aws_cloudtrail" "main" {
  count          = var.enabled ? 1 : 0
  name           = "main"
  s3_bucket_name = "acme-audit-logs"
}

resource "aws_cloudtrail" "extra" {
  for_each       = var.extra_trails
  name           = each.key
  s3_bucket_name = each.value
}

module "audit" {
  source = "./modules/trail"
  create = var.enabled
}
