multi_region        = true
log_file_validation = true
