region                 = "eu-west-1"
trail_name             = "org-security-audit"
trail_bucket_name      = "example-corp-cloudtrail-logs"
access_log_bucket_name = "example-corp-s3-access-logs"
alarm_email            = "soc@example.com"
expire_after_days      = 2555

tags = {
  owner       = "security"
  managed-by  = "terraform"
  cost-center = "sec-0042"
}
