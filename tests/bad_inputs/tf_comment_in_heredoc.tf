resource "aws_cloudtrail" "heredoc" {
  name           = "heredoc"
  s3_bucket_name = "logs"
  # The comment-looking lines below are text, not comments: they must waive nothing.
  tags = {
    Runbook = <<EOT
# trailscan:ignore CT008 written inside a heredoc
#checkov:skip=CKV_AWS_36:written inside a heredoc
#trivy:ignore:AVD-AWS-0016
EOT
    Note = "// trailscan:ignore CT008 written inside a string"
    More = "${"#tfsec:ignore:aws-cloudtrail-enable-log-validation"}"
  }
}
