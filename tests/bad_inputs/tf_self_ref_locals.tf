locals {
  a = local.b
  b = local.a
  c = local.c
}

resource "aws_cloudtrail" "self_ref" {
  name                       = local.a
  s3_bucket_name             = local.c
  enable_log_file_validation = true
}
