# Plan shapes the plan front end must read: modules with count and for_each, a sensitive
# variable, values known only after apply, a data source read at apply, dynamic blocks,
# a resource being replaced, and a bucket that a plan deletes.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 6.0"
    }
  }
}

provider "aws" {
  region = "eu-central-1"
}

variable "secret_prefix" {
  type      = string
  sensitive = true
  default   = "hidden-prefix"
}

variable "regions" {
  type    = map(string)
  default = { east = "logs-east", west = "logs-west" }
}

data "aws_caller_identity" "me" {}

resource "aws_kms_key" "k" {
  description = "only here for its id, known after apply"
}

module "per_region" {
  source   = "./modules/trail"
  for_each = var.regions

  name        = "trail-${each.key}"
  bucket_name = each.value
  key_prefix  = var.secret_prefix
}

module "counted" {
  source = "./modules/trail"
  count  = 1

  name        = "counted"
  bucket_name = "logs-counted-${aws_kms_key.k.key_id}"
  key_prefix  = "plain"
}

resource "aws_cloudwatch_log_group" "ct" {
  name              = "/aws/cloudtrail/edge"
  retention_in_days = 400
}

resource "aws_cloudtrail" "root" {
  name                       = "root-trail"
  s3_bucket_name             = module.per_region["east"].bucket
  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.ct.arn}:*"
  sns_topic_name             = "alerts-${data.aws_caller_identity.me.account_id}"

  advanced_event_selector {
    name = "management"
    field_selector {
      field  = "eventCategory"
      equals = ["Management"]
    }
  }
}
