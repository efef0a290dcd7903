# One multi-region trail for the whole account. The bucket policy must exist before the
# trail: CloudTrail checks that it may write to the bucket when the trail is created.

resource "aws_cloudtrail" "this" {
  name                          = var.name
  s3_bucket_name                = aws_s3_bucket.trail.id
  s3_key_prefix                 = var.s3_key_prefix
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_logging                = true
  enable_log_file_validation    = true
  kms_key_id                    = var.kms_key_arn
  cloud_watch_logs_group_arn    = "${var.log_group_arn}:*"
  cloud_watch_logs_role_arn     = var.cloudwatch_role_arn
  sns_topic_name                = var.sns_topic_name

  event_selector {
    read_write_type           = "All"
    include_management_events = true

    dynamic "data_resource" {
      for_each = var.record_s3_data_events ? ["arn:${data.aws_partition.current.partition}:s3"] : []
      content {
        type   = "AWS::S3::Object"
        values = [data_resource.value]
      }
    }
  }

  depends_on = [aws_s3_bucket_policy.trail]
}
