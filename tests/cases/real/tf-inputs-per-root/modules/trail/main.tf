variable "name" {
  type = string
}

variable "multi_region" {
  type = bool
}

variable "log_file_validation" {
  type    = bool
  default = false
}

variable "kms_key_id" {
  type    = string
  default = null
}

resource "aws_cloudtrail" "this" {
  name                       = var.name
  s3_bucket_name             = "acme-${var.name}-logs"
  is_multi_region_trail      = var.multi_region
  enable_log_file_validation = var.log_file_validation
  kms_key_id                 = var.kms_key_id
}
