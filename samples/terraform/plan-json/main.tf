# A root scanned through its plan. plan.json next to these files is what
#   terraform plan -out plan.out && terraform show -json plan.out > plan.json
# wrote for them (scripts/make_plans.py), so trailscan reads the plan in place of the .tf
# files: values come from the plan (variables, count, data sources as Terraform resolved
# them), links and source lines from the plan's configuration and these files.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 6.0"
    }
  }
}

provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  trail_arn  = "arn:aws:cloudtrail:${data.aws_region.current.name}:${local.account_id}:trail/${var.trail_name}"
}

module "log_bucket" {
  source = "./modules/log_bucket"
  count  = var.create_bucket ? 1 : 0

  name      = var.bucket_name
  trail_arn = local.trail_arn
}

resource "aws_kms_key" "trail" {
  description         = "Encrypts the trail's log files"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.key.json
}

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudTrailEncrypts"
    actions   = ["kms:GenerateDataKey*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }
}

# Log file validation comes from terraform.tfvars (false), and the trail streams to no log
# group and notifies no topic.
resource "aws_cloudtrail" "main" { # expect: CT010, CT012, CT401, CT402, CT403, CT404, CT405, CT406, CT407, CT408, CT409, CT410, CT411, CT412, CT413, CT414, CT415
  name                       = var.trail_name
  s3_bucket_name             = module.log_bucket[0].name
  is_multi_region_trail      = true
  enable_log_file_validation = var.validate_log_files # expect: CT008
  kms_key_id                 = aws_kms_key.trail.arn

  dynamic "event_selector" {
    for_each = var.data_event_buckets
    content {
      read_write_type           = "All"
      include_management_events = true

      data_resource {
        type   = "AWS::S3::Object"
        values = [event_selector.value]
      }
    }
  }

  depends_on = [module.log_bucket]
}
