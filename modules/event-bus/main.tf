# The hub's organization bus: member accounts' default buses forward security-group API calls and
# Config compliance changes here (modules/spoke); rules with the same patterns as the hub's own
# default-bus rules (modules/event-patterns) deliver them to the function.
locals {
  # Known at plan time: which rules exist.
  patterns = merge(
    var.cloudtrail_enabled ? { drift = module.patterns.cloudtrail } : {},
    var.config_rule_name == null ? {} : { compliance = module.patterns.config_compliance },
  )
  # EventBridge rule names stop at 64 characters.
  rule_names = { for key in keys(local.patterns) : key => "${substr(var.name, 0, 63 - length(key))}-${key}" }
}

module "patterns" {
  source = "../event-patterns"

  config_rule_name = var.config_rule_name
}

resource "aws_cloudwatch_event_bus" "this" {
  name = var.event_bus_name
  # null: events at rest under an AWS owned key (see variables.tf: kms_key_arn).
  kms_key_identifier = var.kms_key_arn
  tags               = var.tags
}

# Who may put events on the bus: the organization (aws:PrincipalOrgID) or the listed accounts. AWS
# itself refuses PutEvents with an aws.* source from a caller, so only events a member account's own
# rules forward can match the rules below.
data "aws_iam_policy_document" "bus" {
  dynamic "statement" {
    for_each = var.organization_id == null ? [] : [var.organization_id]
    content {
      sid       = "OrganizationPutEvents"
      actions   = ["events:PutEvents"]
      resources = [aws_cloudwatch_event_bus.this.arn]
      principals {
        type        = "*"
        identifiers = ["*"]
      }
      condition {
        test     = "StringEquals"
        variable = "aws:PrincipalOrgID"
        values   = [statement.value]
      }
    }
  }

  dynamic "statement" {
    for_each = var.organization_id == null ? [var.account_ids] : []
    content {
      sid       = "MemberAccountsPutEvents"
      actions   = ["events:PutEvents"]
      resources = [aws_cloudwatch_event_bus.this.arn]
      principals {
        type        = "AWS"
        identifiers = [for id in statement.value : "arn:${var.partition}:iam::${id}:root"]
      }
    }
  }
}

resource "aws_cloudwatch_event_bus_policy" "this" {
  event_bus_name = aws_cloudwatch_event_bus.this.name
  policy         = data.aws_iam_policy_document.bus.json

  lifecycle {
    precondition {
      condition     = var.organization_id != null || length(var.account_ids) > 0
      error_message = "The organization bus admits nobody: give organization_id or account_ids."
    }
  }
}

resource "aws_cloudwatch_event_rule" "this" {
  for_each = local.patterns

  name           = local.rule_names[each.key]
  description    = "sg-guardian: ${each.key == "drift" ? "security-group rule changes (CloudTrail)" : "world-open Config findings"} of member accounts to the function"
  event_bus_name = aws_cloudwatch_event_bus.this.name
  event_pattern  = each.value
  tags           = var.tags
}

resource "aws_cloudwatch_event_target" "this" {
  for_each = local.patterns

  rule           = aws_cloudwatch_event_rule.this[each.key].name
  event_bus_name = aws_cloudwatch_event_bus.this.name
  target_id      = "sg-guardian"
  arn            = var.function_arn

  retry_policy {
    maximum_event_age_in_seconds = var.maximum_event_age_in_seconds
    maximum_retry_attempts       = var.maximum_retry_attempts
  }

  dead_letter_config {
    arn = var.dead_letter_queue_arn
  }
}

# Only these rules may invoke the function through this bus.
resource "aws_lambda_permission" "this" {
  for_each = local.patterns

  statement_id  = "AllowEventBridge-${local.rule_names[each.key]}"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.this[each.key].arn
}
