terraform {
  source = "git::https://github.com/acme/modules.git//modules/trail?ref=v1.0.0"
}
inputs = { multi_region = false, bucket = "x", enable_logging = true }
