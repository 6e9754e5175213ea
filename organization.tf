# ---- Organization mode (var.organization): hub bus, member-role assumption, prefix lists via RAM ----
# With organization = null nothing here exists and the settings have no organization section.
locals {
  org = var.organization

  # settings.organization (lambda-src/policy/organization-settings.ts): role name, the enrolled
  # accounts and their regions; external ID and pacing only when set. The hub's own account and region are always guarded.
  organization_config = local.org == null ? {} : {
    organization = merge(
      {
        memberRoleName = local.org.member_role_name
        targets        = [for account, regions in local.org.member_accounts : { accountId = account, regions = regions }]
      },
      local.org.external_id == null ? {} : { externalId = local.org.external_id },
      local.org.sweep_concurrency == null ? {} : { sweepConcurrency = local.org.sweep_concurrency },
      local.org.mutating_calls_per_second == null ? {} : { mutatingCallsPerSecond = local.org.mutating_calls_per_second },
    )
  }

  member_role_arns = local.org == null ? [] : [
    for account in keys(local.org.member_accounts) : "arn:${data.aws_partition.current.partition}:iam::${account}:role/${local.org.member_role_name}"
  ]
  # The function may assume the member role of the enrolled accounts, and nothing else.
  organization_statements = length(local.member_role_arns) == 0 ? [] : [{
    sid        = "AssumeMemberRoles"
    actions    = ["sts:AssumeRole"]
    resources  = local.member_role_arns
    conditions = []
  }]

  # Known at plan time: whether the hub bus has rules (the dead-letter queue admits them).
  organization_event_rules = local.org != null && (var.enable_drift_guard || local.world_open_event_rule)

  # The feeds' prefix lists, by a key known at plan time.
  shared_prefix_list_arns = merge([
    for feed, sizes in local.feed_prefix_list_sizes : { for family in keys(sizes) : "${feed}-${family}" => module.feed_prefix_lists[feed].arns[family] }
  ]...)
}

module "event_bus" {
  source = "./modules/event-bus"
  count  = local.org == null ? 0 : 1

  name                         = "${var.name}-org"
  event_bus_name               = local.org.event_bus_name
  partition                    = data.aws_partition.current.partition
  organization_id              = local.org.organization_id
  account_ids                  = keys(local.org.member_accounts)
  cloudtrail_enabled           = var.enable_drift_guard
  config_rule_name             = local.world_open_event_rule ? local.world_open_config_rule_name : null
  function_arn                 = module.function.function_arn
  function_name                = module.function.function_name
  dead_letter_queue_arn        = module.function.dead_letter_queue_arn
  maximum_retry_attempts       = var.drift_event_retry_attempts
  maximum_event_age_in_seconds = var.drift_event_max_age_seconds
  tags                         = local.tags
}

module "prefix_list_share" {
  source = "./modules/prefix-list-share"
  count  = local.org == null ? 0 : (length(local.org.share_prefix_lists_with) > 0 ? 1 : 0)

  name             = "${var.name}-feed-prefix-lists"
  principals       = local.org.share_prefix_lists_with
  prefix_list_arns = local.shared_prefix_list_arns
  tags             = local.tags
}
