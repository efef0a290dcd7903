variable "name" {}
variable "multi_region" {}
variable "log_file_validation" {
  default = false
}
variable "kms_key_id" {
  default = null
}

module "trail" {
  source              = "../../modules/trail"
  name                = var.name
  multi_region        = var.multi_region
  log_file_validation = var.log_file_validation
  kms_key_id          = var.kms_key_id
}
