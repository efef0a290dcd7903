variable "name" {
  type = string
}

variable "bucket_name" {
  type = string
}

variable "key_prefix" {
  type = string
}

variable "data_buckets" {
  type    = list(string)
  default = ["arn:aws:s3:::one/", "arn:aws:s3:::two/"]
}

resource "aws_s3_bucket" "logs" {
  bucket = var.bucket_name
}

resource "aws_cloudtrail" "this" {
  name                       = var.name
  s3_bucket_name             = aws_s3_bucket.logs.id
  s3_key_prefix              = var.key_prefix
  enable_log_file_validation = true

  dynamic "event_selector" {
    for_each = var.data_buckets
    content {
      read_write_type = "All"
      data_resource {
        type   = "AWS::S3::Object"
        values = [event_selector.value]
      }
    }
  }
}

output "bucket" {
  value = aws_s3_bucket.logs.id
}
