# The trail's bucket comes out of a local module as an output; the caller passes the name
# through from its own input without a default.
variable "bucket_name" {
  type = string
}

module "log_bucket" {
  source = "./modules/log-bucket"
  name   = var.bucket_name
}

resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = module.log_bucket.bucket_id
  is_multi_region_trail      = true
  enable_log_file_validation = true

  depends_on = [module.log_bucket]
}
