include "root" {
  path   = find_in_parent_folders()
  expose = true
}

terraform {
  source = "${get_parent_terragrunt_dir()}/modules//trail"
}

dependency "kms" {
  config_path = "../kms"
}

inputs = {
  multi_region = true
  bucket       = "acme-audit-${include.root.locals.region}"
  validate     = true
  kms_key_id   = dependency.kms.outputs.key_arn
}
