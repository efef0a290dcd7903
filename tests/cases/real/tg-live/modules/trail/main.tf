variable "multi_region" {
  type = bool
}

variable "enable_logging" {
  type    = bool
  default = false
}

variable "validate" {
  type    = bool
  default = true
}

variable "bucket" {
  type = string
}

variable "kms_key_id" {
  type    = string
  default = null
}

resource "aws_cloudtrail" "this" {
  name                       = "audit"
  s3_bucket_name             = var.bucket
  is_multi_region_trail      = var.multi_region
  enable_logging             = var.enable_logging
  enable_log_file_validation = var.validate
  kms_key_id                 = var.kms_key_id
}
