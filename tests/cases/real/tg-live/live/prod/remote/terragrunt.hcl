terraform {
  source = "git::https://github.com/acme/modules.git//trail?ref=v1.0.0"
}
inputs = { multi_region = true }
