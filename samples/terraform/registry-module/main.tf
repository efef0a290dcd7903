# A root that takes its trail from a registry module. `terraform init -backend=false` put
# the module, and the module it calls in turn, under .terraform/modules/ and listed them in
# .terraform/modules/modules.json; trailscan reads them from there (it never downloads
# anything) and reports inside the installed files.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

module "audit_trail" {
  source  = "example-corp/audit-trail/aws"
  version = "2.1.0"

  trail_name  = "org-audit"
  bucket_name = "example-corp-audit-trail-logs"
}
