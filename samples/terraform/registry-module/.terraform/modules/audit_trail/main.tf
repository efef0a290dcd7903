module "log_bucket" {
  source  = "example-corp/log-bucket/aws"
  version = "1.0.3"

  name = var.bucket_name
}

resource "aws_cloudtrail" "this" { # expect: CT009, CT010, CT012, CT013, CT401, CT402, CT403, CT404, CT405, CT406, CT407, CT408, CT409, CT410, CT411, CT412, CT413, CT414, CT415
  name                       = var.trail_name
  s3_bucket_name             = module.log_bucket.name
  is_multi_region_trail      = true
  enable_log_file_validation = var.enable_log_file_validation # expect: CT008
  kms_key_id                 = var.kms_key_arn

  depends_on = [module.log_bucket]
}
