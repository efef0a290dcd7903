name         = "staging"
multi_region = false
