region             = "eu-west-1"
trail_name         = "org-audit"
bucket_name        = "example-corp-org-audit-logs"
validate_log_files = false
