# A reusable module: its selectors come from an input without a default.
variable "advanced_event_selector" {
  type = list(object({
    name           = optional(string)
    field_selector = list(object({ field = string, equals = optional(list(string)) }))
  }))
}
resource "aws_cloudtrail" "this" {
  name                  = "main"
  s3_bucket_name        = "logs"
  is_multi_region_trail = true
  dynamic "advanced_event_selector" {
    for_each = var.advanced_event_selector
    content {
      name = lookup(advanced_event_selector.value, "name", null)
      dynamic "field_selector" {
        for_each = advanced_event_selector.value.field_selector
        content {
          field  = field_selector.value.field
          equals = lookup(field_selector.value, "equals", null)
        }
      }
    }
  }
}
