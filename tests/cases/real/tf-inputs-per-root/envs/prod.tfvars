name       = "prod"
kms_key_id = "arn:aws:kms:eu-west-1:111111111111:key/0b1d2c3e-aaaa-bbbb-cccc-000000000001"
