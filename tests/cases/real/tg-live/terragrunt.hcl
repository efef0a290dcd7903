# The parent configuration every environment includes: shared locals and inputs.
locals {
  region = "eu-west-1"
}

inputs = {
  enable_logging = true
  validate       = false
}
