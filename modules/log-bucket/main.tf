# A bucket for audit data written by an AWS service (CloudTrail logs, Config history): KMS-encrypted,
# versioned, private, owner-enforced, TLS-only, expiring. Shared by modules/trail and modules/config-rule.
resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:This bucket is itself the audit log; access logging it would need a second log bucket per deployment.
  #checkov:skip=CKV_AWS_144:Cross-region replication is an organisation decision (a destination bucket and role); not forced on every user.
  #checkov:skip=CKV2_AWS_62:Nothing consumes object-created events of audit logs; EventBridge gets the API events directly.
  bucket_prefix       = var.name_prefix
  force_destroy       = var.force_destroy
  object_lock_enabled = var.object_lock_days != null
  tags                = var.tags
}

# Governance mode: nobody deletes or overwrites a log object for object_lock_days unless granted
# s3:BypassGovernanceRetention explicitly (compliance mode could not be undone even by root).
resource "aws_s3_bucket_object_lock_configuration" "this" {
  count  = var.object_lock_days == null ? 0 : 1
  bucket = aws_s3_bucket.this.id
  rule {
    default_retention {
      mode = "GOVERNANCE"
      days = var.object_lock_days
    }
  }
  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    id     = "expire-old-objects"
    status = "Enabled"
    filter {}
    dynamic "expiration" {
      for_each = var.retention_days == null ? [] : [var.retention_days]
      content {
        days = expiration.value
      }
    }
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  # A service writing with its own principal (CloudTrail) is admitted per statement, only for the
  # given source ARNs and paths.
  dynamic "statement" {
    for_each = var.service_statements
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = [for p in statement.value.paths : p == "" ? aws_s3_bucket.this.arn : "${aws_s3_bucket.this.arn}/${p}"]
      principals {
        type        = "Service"
        identifiers = [statement.value.service]
      }
      condition {
        test     = "StringEquals"
        variable = "aws:SourceArn"
        values   = statement.value.source_arns
      }
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket     = aws_s3_bucket.this.id
  policy     = data.aws_iam_policy_document.this.json
  depends_on = [aws_s3_bucket_public_access_block.this]
}
