# An account as it is often found: every failure class trailscan knows, at once.
# Every line where trailscan must report carries an expect marker with the policy ids.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

data "aws_caller_identity" "current" {}

# The first trail: single-region, no log file validation, no KMS key, no SNS topic, and
# created in parallel with its bucket policy. It streams to CloudWatch Logs, where the
# monitoring is incomplete (monitoring.tf).
resource "aws_cloudtrail" "main" { # expect: CT005, CT008, CT009, CT011, CT012
  name                       = "main"
  s3_bucket_name             = aws_s3_bucket.trail_logs.id
  is_multi_region_trail      = false # expect: CT001
  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"
  cloud_watch_logs_role_arn  = aws_iam_role.trail_to_cloudwatch.arn
}

# A second trail added later by another team: multi-region and validated, but encrypted
# with a key whose policy does not let CloudTrail use it, and not sent to CloudWatch Logs.
# Both trails record global service events, so IAM and STS events arrive twice.
resource "aws_cloudtrail" "audit" { # expect: CT010, CT012, CT013
  name                       = "audit"
  s3_bucket_name             = aws_s3_bucket.trail_logs.id
  is_multi_region_trail      = true
  enable_log_file_validation = true
  kms_key_id                 = aws_kms_key.trail.arn

  depends_on = [aws_s3_bucket_policy.trail_logs]
}

# An old trail somebody switched off instead of deleting.
resource "aws_cloudtrail" "legacy" { # expect: CT001, CT008, CT009, CT010, CT012
  name                          = "legacy"
  s3_bucket_name                = "legacy-cloudtrail-logs-archive"
  include_global_service_events = false
  enable_logging                = false # expect: CT007
}

# A key created with the console's defaults: only the account root may use it.
resource "aws_kms_key" "trail" { # expect: CT202
  description = "CloudTrail logs"
  policy = jsonencode({ # expect: CT201
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Enable IAM User Permissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
    ]
  })
}
