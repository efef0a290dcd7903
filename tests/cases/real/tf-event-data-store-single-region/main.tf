# A single-Region store records global service events only in us-east-1, which the code
# does not say; it is not a multi-Region store, so it does not cover the account.
resource "aws_cloudtrail_event_data_store" "regional" {
  name                 = "regional"
  multi_region_enabled = false
  kms_key_id           = "arn:aws:kms:us-east-1:111111111111:key/0b1d2c3e-aaaa-bbbb-cccc-000000000002"
}
