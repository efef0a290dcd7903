include "root" {
  path = find_in_parent_folders()
}

terraform {
  source = "../../../modules//trail"
}

inputs = {
  multi_region = get_env("TRAIL_MULTI_REGION", false)
  bucket       = "acme-audit-staging"
  validate     = true
}
