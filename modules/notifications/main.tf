# Where sg-guardian says what it did: a KMS-encrypted SNS topic (or an existing one) and its
# subscriptions. Subscribers filter on message attributes (kind, action, severity, group_id).
resource "aws_sns_topic" "this" {
  count             = var.topic_arn == null ? 1 : 0
  name              = var.name
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

locals {
  topic_arn = var.topic_arn == null ? aws_sns_topic.this[0].arn : var.topic_arn
}

data "aws_iam_policy_document" "topic" {
  count = var.topic_arn == null ? 1 : 0

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this[0].arn]
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

  # A message here says what sg-guardian did ("reverted ..."): nobody else may send one, whatever
  # their own IAM policy allows. Service principals carry no aws:PrincipalArn; they are exempt here
  # only when listed, and then allowed below only for the given source ARNs.
  statement {
    sid       = "DenyOtherPublishers"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this[0].arn]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = var.publisher_arns
    }
    dynamic "condition" {
      for_each = length(var.publisher_services) > 0 ? [1] : []
      content {
        test     = "StringNotEquals"
        variable = "aws:PrincipalServiceName"
        values   = [for s in var.publisher_services : s.service]
      }
    }
  }

  statement {
    sid       = "PublishersOfThisAccount"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this[0].arn]
    principals {
      type        = "AWS"
      identifiers = var.publisher_arns
    }
  }

  dynamic "statement" {
    for_each = var.publisher_services
    content {
      sid       = statement.value.sid
      actions   = ["sns:Publish"]
      resources = [aws_sns_topic.this[0].arn]
      principals {
        type        = "Service"
        identifiers = [statement.value.service]
      }
      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [data.aws_caller_identity.current.account_id]
      }
      condition {
        test     = "ArnLike"
        variable = "aws:SourceArn"
        values   = statement.value.source_arns
      }
    }
  }
}

data "aws_caller_identity" "current" {}

resource "aws_sns_topic_policy" "this" {
  count  = var.topic_arn == null && length(var.publisher_arns) > 0 ? 1 : 0
  arn    = aws_sns_topic.this[0].arn
  policy = data.aws_iam_policy_document.topic[0].json
}

resource "aws_sns_topic_subscription" "this" {
  for_each = { for s in var.subscriptions : "${s.protocol}:${s.endpoint}" => s }

  topic_arn            = local.topic_arn
  protocol             = each.value.protocol
  endpoint             = each.value.endpoint
  raw_message_delivery = each.value.raw_message_delivery
  filter_policy        = each.value.filter_policy
}
