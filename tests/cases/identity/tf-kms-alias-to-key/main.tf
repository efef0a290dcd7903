# The trail names its key through an alias whose name is built from an input without a
# default: the alias stands for its key, so the key's own settings decide.
variable "alias_name" {
  type = string
}

data "aws_caller_identity" "current" {}

resource "aws_kms_key" "trail" {
  enable_key_rotation = false
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Root"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudTrailEncrypt"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "kms:GenerateDataKey*"
        Resource  = "*"
      },
    ]
  })
}

resource "aws_kms_alias" "trail" {
  name          = "alias/${var.alias_name}"
  target_key_id = aws_kms_key.trail.key_id
}

resource "aws_cloudtrail" "main" {
  name                  = "main"
  s3_bucket_name        = "central-audit-logs"
  is_multi_region_trail = true
  kms_key_id            = aws_kms_alias.trail.arn
}
