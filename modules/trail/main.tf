# An optional CloudTrail trail for accounts without one: management events (read and write), log
# file validation, KMS encryption, and a bucket that is versioned, private and TLS-only.
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  trail_arn = "arn:${data.aws_partition.current.partition}:cloudtrail:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:trail/${var.name}"
}

module "bucket" {
  source = "../log-bucket"

  # Bucket names are lower case; bucket_prefix stops at 37 characters (the name is at most 37).
  name_prefix      = "${trim(substr(replace(lower(var.name), "_", "-"), 0, 36), "-.")}-"
  kms_key_arn      = var.kms_key_arn
  retention_days   = var.log_retention_days
  object_lock_days = var.object_lock_days
  force_destroy    = var.force_destroy
  tags             = var.tags

  # CloudTrail writes with its service principal, only for this trail.
  service_statements = [
    { sid = "CloudTrailAclCheck", service = "cloudtrail.amazonaws.com", actions = ["s3:GetBucketAcl"], paths = [""], source_arns = [local.trail_arn] },
    { sid = "CloudTrailWrite", service = "cloudtrail.amazonaws.com", actions = ["s3:PutObject"], paths = ["AWSLogs/${data.aws_caller_identity.current.account_id}/*"], source_arns = [local.trail_arn] },
  ]
}

resource "aws_cloudwatch_log_group" "this" {
  count             = var.cloudwatch_logs_enabled ? 1 : 0
  name              = "/aws/cloudtrail/${var.name}"
  retention_in_days = coalesce(var.log_retention_days, 0) # null: never expire
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

# CloudTrail may assume the log-delivery role only for this trail of this account (confused deputy).
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }
}

resource "aws_iam_role" "logs" {
  count              = var.cloudwatch_logs_enabled ? 1 : 0
  name               = "${var.name}-logs"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "logs" {
  count = var.cloudwatch_logs_enabled ? 1 : 0
  name  = "${var.name}-logs"
  role  = aws_iam_role.logs[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "${aws_cloudwatch_log_group.this[0].arn}:*"
    }]
  })
}

resource "aws_cloudtrail" "this" {
  #checkov:skip=CKV2_AWS_10:CloudWatch Logs delivery is optional (cloudwatch_logs_enabled); EventBridge already receives every management event.
  #checkov:skip=CKV_AWS_252:An SNS topic per log file delivery adds noise and cost; nothing here consumes it.
  name                          = var.name
  s3_bucket_name                = module.bucket.id
  enable_logging                = var.enable_logging
  include_global_service_events = true
  is_multi_region_trail         = true
  enable_log_file_validation    = true
  kms_key_id                    = var.kms_key_arn
  cloud_watch_logs_group_arn    = var.cloudwatch_logs_enabled ? "${aws_cloudwatch_log_group.this[0].arn}:*" : null
  cloud_watch_logs_role_arn     = var.cloudwatch_logs_enabled ? aws_iam_role.logs[0].arn : null

  event_selector {
    read_write_type           = "All"
    include_management_events = true
  }

  tags       = var.tags
  depends_on = [module.bucket]
}
