resource "aws_cloudtrail" "omitted" { # expect: CT009
  name           = "omitted"
  s3_bucket_name = "audit-logs"
}

resource "aws_cloudtrail" "empty" {
  name           = "empty"
  s3_bucket_name = "audit-logs"
  kms_key_id     = "" # expect: CT009
}

# The unit's one key whose policy lets CloudTrail encrypt: `trailscan fix` points the
# trails at it.
data "aws_caller_identity" "current" {}

resource "aws_kms_key" "trail" {
  description         = "CloudTrail log files"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EnableAccountAdministration"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "AllowCloudTrailToEncryptLogs"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "kms:GenerateDataKey*"
        Resource  = "*"
        Condition = {
          StringLike = {
            "kms:EncryptionContext:aws:cloudtrail:arn" = "arn:aws:cloudtrail:*:${data.aws_caller_identity.current.account_id}:trail/*"
          }
        }
      },
    ]
  })
}
