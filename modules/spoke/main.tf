# One member account in one region: its default bus forwards the security-group API calls (and the
# world-open Config findings) to the hub's organization bus. With create_member_role (once per
# account), also the role the hub function assumes here, with the hub's own EC2 scope.
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.id

  # arn:<partition>:events:<region>:<account>:event-bus/<name>
  hub_bus = split(":", var.hub_event_bus_arn)

  # Known at plan time: which rules exist (the same kinds, and patterns, as the hub bus's rules).
  patterns = merge(
    var.forward_cloudtrail ? { drift = module.patterns.cloudtrail } : {},
    var.config_rule_name == null ? {} : { compliance = module.patterns.config_compliance },
  )
  rule_names = { for key in keys(local.patterns) : key => "${substr(var.name, 0, 55 - length(key))}-forward-${key}" }
  # IAM role names are global to the account: one forwarding role per region.
  forward_role_name = "${substr(var.name, 0, 63 - length("-forward-${local.region}"))}-forward-${local.region}"

  member_role_regions = coalesce(var.member_role_regions, [local.region])
}

module "patterns" {
  source = "../event-patterns"

  config_rule_name = var.config_rule_name
}

# ---- Forwarding: default bus -> hub bus ----

data "aws_iam_policy_document" "forward_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [for key in keys(local.patterns) : "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${local.rule_names[key]}"]
    }
  }
}

resource "aws_iam_role" "forward" {
  count = length(local.patterns) > 0 ? 1 : 0

  name               = local.forward_role_name
  assume_role_policy = data.aws_iam_policy_document.forward_assume.json
  tags               = var.tags
}

# The forwarding role can put events on the hub bus and nowhere else.
data "aws_iam_policy_document" "forward" {
  statement {
    sid       = "PutEventsOnHubBus"
    actions   = ["events:PutEvents"]
    resources = [var.hub_event_bus_arn]
  }
}

resource "aws_iam_role_policy" "forward" {
  count = length(local.patterns) > 0 ? 1 : 0

  name   = local.forward_role_name
  role   = aws_iam_role.forward[0].id
  policy = data.aws_iam_policy_document.forward.json
}

resource "aws_cloudwatch_event_rule" "forward" {
  for_each = local.patterns

  name          = local.rule_names[each.key]
  description   = "sg-guardian: ${each.key == "drift" ? "security-group rule changes (CloudTrail)" : "world-open Config findings"} to the hub bus"
  event_pattern = each.value
  tags          = var.tags

  lifecycle {
    # The hub's own default-bus rules already see its home region: forwarding there would double every event.
    precondition {
      condition     = !(local.hub_bus[3] == local.region && local.hub_bus[4] == local.account_id)
      error_message = "hub_event_bus_arn is in this account and region (the hub's home region): no spoke is needed there."
    }
    precondition {
      condition     = local.hub_bus[1] == local.partition
      error_message = "hub_event_bus_arn is in partition ${local.hub_bus[1]}, this account in ${local.partition}: EventBridge cannot forward across partitions."
    }
  }
}

resource "aws_cloudwatch_event_target" "forward" {
  for_each = local.patterns

  rule      = aws_cloudwatch_event_rule.forward[each.key].name
  target_id = "sg-guardian-hub"
  arn       = var.hub_event_bus_arn
  role_arn  = aws_iam_role.forward[0].arn
}

# ---- The member role the hub function assumes (once per account) ----

data "aws_iam_policy_document" "member_assume" {
  count = var.create_member_role ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [var.hub_function_role_arn]
    }
    dynamic "condition" {
      for_each = var.organization_id == null ? [] : [var.organization_id]
      content {
        test     = "StringEquals"
        variable = "aws:PrincipalOrgID"
        values   = [condition.value]
      }
    }
    dynamic "condition" {
      for_each = var.external_id == null ? [] : [var.external_id]
      content {
        test     = "StringEquals"
        variable = "sts:ExternalId"
        values   = [condition.value]
      }
    }
  }
}

resource "aws_iam_role" "member" {
  count = var.create_member_role ? 1 : 0

  name                 = var.member_role_name
  description          = "sg-guardian: assumed by the hub function; the hub's EC2 scope in this account"
  assume_role_policy   = data.aws_iam_policy_document.member_assume[0].json
  max_session_duration = 3600
  tags                 = var.tags

  lifecycle {
    precondition {
      condition     = var.hub_function_role_arn != null && var.guard_scope != null
      error_message = "create_member_role needs hub_function_role_arn and guard_scope (the hub's function_role_arn and member_role_scope outputs)."
    }
    precondition {
      condition     = var.organization_id != null || var.external_id != null
      error_message = "create_member_role needs organization_id (aws:PrincipalOrgID) or external_id (sts:ExternalId) in the role's trust."
    }
  }
}

# The same statements as the hub function's EC2 permissions (modules/guard-permissions), for this
# account in its enrolled regions; no SNS, DynamoDB, KMS or prefix-list writes (those stay in the hub).
module "member_permissions" {
  source = "../guard-permissions"
  count  = var.create_member_role && var.guard_scope != null ? 1 : 0

  security_group_arn_prefixes = [for r in local.member_role_regions : "arn:${local.partition}:ec2:${r}:${local.account_id}:security-group"]
  scope                       = var.guard_scope
}

data "aws_iam_policy_document" "member" {
  count = var.create_member_role && var.guard_scope != null ? 1 : 0

  dynamic "statement" {
    for_each = module.member_permissions[0].ec2_statements
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources
      dynamic "condition" {
        for_each = statement.value.conditions
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}

resource "aws_iam_role_policy" "member" {
  count = var.create_member_role && var.guard_scope != null ? 1 : 0

  name   = var.member_role_name
  role   = aws_iam_role.member[0].id
  policy = data.aws_iam_policy_document.member[0].json
}

# ---- Optional trail (organizations usually have an organization trail instead) ----

module "kms_key" {
  source = "../kms-key"
  count  = var.create_trail ? 1 : 0

  name = var.name
  tags = var.tags
}

module "trail" {
  source = "../trail"
  count  = var.create_trail ? 1 : 0

  name               = "${var.name}-trail"
  kms_key_arn        = module.kms_key[0].key_arn
  force_destroy      = var.trail_force_destroy
  log_retention_days = var.trail_log_retention_days
  tags               = var.tags
}
