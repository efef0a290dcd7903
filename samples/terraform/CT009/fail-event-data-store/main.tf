resource "aws_cloudtrail_event_data_store" "omitted" { # expect: CT009
  name = "omitted"
}

resource "aws_cloudtrail_event_data_store" "empty" {
  name       = "empty"
  kms_key_id = "" # expect: CT009
}
