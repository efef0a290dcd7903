# This root used to call the module: module "callee" { source = "../callee" }
// source = "../callee"
/* module "callee" {
  source = "../callee"
} */
resource "aws_s3_bucket" "notes" {
  bucket = "notes"
  tags = {
    Description = "was: module \"callee\" { source = \"../callee\" }"
  }
}

locals {
  readme = <<-EOT
    module "callee" {
      source = "../callee"
    }
  EOT
}
