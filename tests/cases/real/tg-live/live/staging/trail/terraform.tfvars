# terragrunt passes inputs as TF_VAR_*: this file overrides them
validate = false
