# sg-guardian: wires one Lambda to the events that matter for security groups.
# Each capability adds its triggers and least-privilege IAM statements; see README (Architecture).
data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  sg_arn_prefix = "arn:${data.aws_partition.current.partition}:ec2:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:security-group"

  tags = merge({ "sg-guardian:module" = var.name }, var.tags)

  kms_key_arn = var.kms_key_arn != null ? var.kms_key_arn : module.kms_key[0].key_arn

  # The settings document the Lambda validates at start (lambda-src/policy/settings.ts).
  config = merge({
    dryRun        = { drift = var.dry_run.drift_guard, worldOpen = var.dry_run.world_open, feeds = var.dry_run.feeds }
    notifications = { topicArn = module.notifications.topic_arn }
    feeds         = local.feeds_config
    worldOpen     = local.world_open_config
    state         = { tableName = module.state_table.table_name, graceSeconds = var.state_grace_seconds }
    waivers       = local.waivers_config
    securityHub   = { enabled = var.enable_security_hub_findings, productArn = local.security_hub_product_arn }
    drift = merge(
      {
        enabled              = var.enable_drift_guard
        guardedGroupIds      = var.drift_guarded_group_ids
        guardEgress          = var.drift_guard_egress
        allowedPrincipalArns = var.drift_allowed_principal_arns
      },
      var.drift_guard_tag == null ? {} : { guardTag = var.drift_guard_tag },
    )
  }, local.organization_config)

  # The guard's EC2 scope, shared with the member roles of an organization (modules/spoke).
  guard_scope = {
    drift = {
      enabled    = var.enable_drift_guard
      group_ids  = var.drift_guarded_group_ids
      tag        = var.drift_guard_tag
      all_groups = var.drift_guard_all_groups
    }
    feeds = {
      names         = local.feed_names
      tag_enrolment = var.feed_tag_enrolment
      tag_key       = var.feed_tag_key
      group_ids     = distinct(flatten([for feed in local.feed_names : var.feed_security_group_ids[feed]]))
    }
    world_open = {
      enabled   = var.enable_world_open_remediation
      scope_tag = var.world_open_scope_tag
    }
  }
  drift_statements = module.guard_permissions.drift_statements

  # Security Hub: the account's default product (findings of this account only), and the hub it reads open findings from.
  security_hub_product_arn = coalesce(var.security_hub_product_arn, "arn:${data.aws_partition.current.partition}:securityhub:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:product/${data.aws_caller_identity.current.account_id}/default")
  security_hub_statements = !var.enable_security_hub_findings ? [] : [
    {
      sid        = "SecurityHubImportFindings"
      actions    = ["securityhub:BatchImportFindings"]
      resources  = [local.security_hub_product_arn]
      conditions = []
    },
    {
      # A sweep reads back the open findings of clean groups before resolving them.
      sid        = "SecurityHubReadFindings"
      actions    = ["securityhub:GetFindings"]
      resources  = ["arn:${data.aws_partition.current.partition}:securityhub:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:hub/default"]
      conditions = []
    },
  ]

  policy_statements = concat(module.guard_permissions.read_statements, [
    {
      sid        = "Notify"
      actions    = ["sns:Publish"]
      resources  = [module.notifications.topic_arn]
      conditions = []
    },
    {
      # The desired state: read and conditional writes on this table only (no table management).
      sid        = "DesiredState"
      actions    = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Scan"]
      resources  = [module.state_table.table_arn]
      conditions = []
    },
    {
      sid        = "DesiredStateKey"
      actions    = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources  = [local.kms_key_arn]
      conditions = [{ test = "StringEquals", variable = "kms:ViaService", values = ["dynamodb.${data.aws_region.current.id}.amazonaws.com"] }]
    },
  ], local.drift_statements, local.feeds_statements, local.world_open_statements, local.security_hub_statements, local.organization_statements)

  # One daily (by default) schedule drives everything periodic: the feed syncs, the drift guard's
  # reconcile sweep (enrolment, missed events) and the world-open sweep.
  schedule_enabled = anytrue([var.enable_drift_guard, local.feeds_scheduled, local.world_open_sweep])
}

module "guard_permissions" {
  source = "./modules/guard-permissions"

  security_group_arn_prefixes = [local.sg_arn_prefix]
  scope                       = local.guard_scope
}

module "state_table" {
  source = "./modules/state-table"

  name                = "${var.name}-state"
  kms_key_arn         = local.kms_key_arn
  deletion_protection = var.state_table_deletion_protection
  tags                = local.tags
}

module "kms_key" {
  source = "./modules/kms-key"
  count  = var.kms_key_arn == null ? 1 : 0

  name = var.name
  tags = local.tags
}

module "notifications" {
  source = "./modules/notifications"

  name           = var.name
  topic_arn      = var.notifications_topic_arn
  kms_key_arn    = local.kms_key_arn
  publisher_arns = concat([module.function.role_arn], var.notifications_publisher_arns)
  # CloudWatch alarms publish as a service principal: admitted for this module's alarms only.
  publisher_services = var.enable_alarms && var.alarm_topic_arn == null ? [{
    sid         = "ModuleAlarmsPublish"
    service     = "cloudwatch.amazonaws.com"
    source_arns = ["arn:${data.aws_partition.current.partition}:cloudwatch:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:alarm:${var.name}-*"]
  }] : []
  subscriptions = var.notifications_subscriptions
  tags          = local.tags
}

# What someone must look at: the dead-letter queue, errors, throttles, failed actions, stale feeds.
module "alarms" {
  source = "./modules/alarms"
  count  = var.enable_alarms ? 1 : 0

  name                   = var.name
  function_name          = module.function.function_name
  service_name           = var.name # POWERTOOLS_SERVICE_NAME: the EMF service dimension
  metric_namespace       = module.function.metric_namespace
  dead_letter_queue_name = module.function.dead_letter_queue_name
  alarm_topic_arn        = coalesce(var.alarm_topic_arn, module.notifications.topic_arn)
  feeds                  = local.feed_names
  feed_stale_days        = var.alarm_feed_stale_days
  dashboard_enabled      = var.enable_dashboard
  tags                   = local.tags
}

module "function" {
  source = "./modules/function"

  name                 = var.name
  bundle_path          = "${path.module}/dist/handler.mjs"
  config               = local.config
  runtime              = var.lambda_runtime
  architecture         = var.lambda_architecture
  memory_size          = var.lambda_memory_size
  timeout              = var.lambda_timeout
  reserved_concurrency = var.lambda_reserved_concurrency
  log_retention_days   = var.lambda_log_retention_days
  tracing_mode         = var.lambda_tracing_mode
  kms_key_arn          = local.kms_key_arn
  policy_statements    = local.policy_statements
  tags                 = local.tags
}

module "drift_rules" {
  source = "./modules/drift-rules"
  count  = var.enable_drift_guard ? 1 : 0

  name                         = "${var.name}-drift"
  function_arn                 = module.function.function_arn
  function_name                = module.function.function_name
  dead_letter_queue_arn        = module.function.dead_letter_queue_arn
  maximum_retry_attempts       = var.drift_event_retry_attempts
  maximum_event_age_in_seconds = var.drift_event_max_age_seconds
  tags                         = local.tags
}

module "trail" {
  source = "./modules/trail"
  count  = var.create_trail ? 1 : 0

  name                    = "${var.name}-trail"
  kms_key_arn             = local.kms_key_arn
  enable_logging          = var.trail_enable_logging
  cloudwatch_logs_enabled = var.trail_cloudwatch_logs_enabled
  force_destroy           = var.force_destroy_buckets
  log_retention_days      = var.audit_log_retention_days
  object_lock_days        = var.audit_object_lock_days
  tags                    = local.tags
}

module "schedule" {
  source = "./modules/schedule"
  count  = local.schedule_enabled ? 1 : 0

  name                  = "${var.name}-schedule"
  schedule_expression   = var.schedule_expression
  function_arn          = module.function.function_arn
  function_name         = module.function.function_name
  dead_letter_queue_arn = module.function.dead_letter_queue_arn
  tags                  = local.tags
}

# EventBridge may put undeliverable events into the (KMS-encrypted) dead-letter queue, but only
# those of this module's rules. One policy per queue, so it is assembled here from every rule.
locals {
  event_rule_arns = compact(concat(
    [for m in module.drift_rules : m.rule_arn],
    flatten([for m in module.event_bus : values(m.rule_arns)]),
    [for m in module.schedule : m.rule_arn],
    local.world_open_event_rule_arns,
  ))
  # Known at plan time (the ARNs are not): which rules exist.
  any_event_rule = anytrue([var.enable_drift_guard, local.schedule_enabled, local.world_open_event_rule, local.organization_event_rules])
}

data "aws_iam_policy_document" "dead_letters" {
  count = local.any_event_rule ? 1 : 0

  statement {
    sid       = "EventBridgeDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [module.function.dead_letter_queue_arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = local.event_rule_arns
    }
  }
}

resource "aws_sqs_queue_policy" "dead_letters" {
  count = local.any_event_rule ? 1 : 0

  queue_url = module.function.dead_letter_queue_url
  policy    = data.aws_iam_policy_document.dead_letters[0].json
}

# ---- CDN allow-lists (feeds): CloudFront via AmazonIpSpaceChanged, Cloudflare on the schedule ----
locals {
  feed_names = [for feed, on in { aws = var.enable_cloudfront_feed, cloudflare = var.enable_cloudflare_feed } : feed if on]
  # Each feed chooses its own mode: adding one feed never changes the other's targets.
  feed_modes = { aws = var.cloudfront_feed_mode, cloudflare = var.cloudflare_feed_mode }

  # Prefix-list mode: per enabled feed, the families to create and their sizes (known at plan time).
  feed_prefix_list_sizes = {
    for feed in ["aws", "cloudflare"] : feed => {
      for family, n in var.feed_prefix_list_max_entries[feed] : family => n if local.feed_modes[feed] == "prefix-lists" && contains(local.feed_names, feed) && n > 0
    }
  }
  feed_prefix_list_arns = flatten([for feed, sizes in local.feed_prefix_list_sizes : [for family in keys(sizes) : module.feed_prefix_lists[feed].arns[family]]])

  # The feeds section of the settings (lambda-src/policy/feed-settings.ts); unset optional keys are omitted.
  feeds_config = {
    aws = merge(
      {
        enabled        = var.enable_cloudfront_feed
        services       = var.cloudfront_feed_services
        url            = var.cloudfront_feed_url
        syncOnSchedule = var.cloudfront_feed_sync_on_schedule
      },
      var.cloudfront_feed_regions == null ? {} : { regions = var.cloudfront_feed_regions },
      var.cloudfront_feed_network_border_groups == null ? {} : { networkBorderGroups = var.cloudfront_feed_network_border_groups },
    )
    cloudflare = merge(
      {
        enabled = var.enable_cloudflare_feed
        ipv4Url = var.cloudflare_ipv4_url
        ipv6Url = var.cloudflare_ipv6_url
      },
      var.cloudflare_api_url == null ? {} : { apiUrl = var.cloudflare_api_url },
    )
    targets = {
      prefixLists = {
        for feed in ["aws", "cloudflare"] : feed => {
          for family in keys(local.feed_prefix_list_sizes[feed]) : family => module.feed_prefix_lists[feed].ids[family]
        }
      }
      securityGroups = {
        groupIds           = { aws = var.feed_security_group_ids.aws, cloudflare = var.feed_security_group_ids.cloudflare }
        tagEnrolment       = var.feed_tag_enrolment
        tagKey             = var.feed_tag_key
        ports              = var.feed_ports
        rulesPerGroupQuota = var.feed_rules_per_group_quota
      }
    }
    maxShrinkPercent = var.feed_max_shrink_percent
    minPrefixLength  = { ipv4 = var.feed_min_prefix_length.ipv4, ipv6 = var.feed_min_prefix_length.ipv6 }
  }

  # Cloudflare has no notice; the CloudFront feed syncs on the schedule as a safety net (opt-out).
  feeds_scheduled = var.enable_cloudflare_feed || (var.enable_cloudfront_feed && var.cloudfront_feed_sync_on_schedule)

  feeds_statements = concat(
    length(local.feed_prefix_list_arns) == 0 ? [] : [
      {
        sid        = "FeedPrefixListEntries"
        actions    = ["ec2:ModifyManagedPrefixList"]
        resources  = local.feed_prefix_list_arns
        conditions = []
      },
    ],
    module.guard_permissions.feed_group_statements,
  )
}

module "feed_prefix_lists" {
  source   = "./modules/feed-prefix-lists"
  for_each = { for feed, sizes in local.feed_prefix_list_sizes : feed => sizes if length(sizes) > 0 }

  name             = var.name
  feed             = each.key
  ipv4_max_entries = lookup(each.value, "ipv4", null)
  ipv6_max_entries = lookup(each.value, "ipv6", null)
  tags             = local.tags
}

# AmazonIpSpaceChanged (us-east-1) may invoke the function; the subscription itself is made by
# modules/ip-space-subscription with the user's us-east-1 provider, so this module needs only one.
resource "aws_lambda_permission" "ip_space_changed" {
  count = var.enable_cloudfront_feed ? 1 : 0

  statement_id  = "AllowIpSpaceChanged-${var.name}"
  action        = "lambda:InvokeFunction"
  function_name = module.function.function_name
  principal     = "sns.amazonaws.com"
  source_arn    = var.ip_space_changed_topic_arn
}

# ---- World-open remediation: AWS Config rule -> remediation / compliance events -> Lambda ----
locals {
  world_open_config_rule_name = coalesce(var.world_open_config_rule_name, "${var.name}-sg-open-only-to-authorized-ports")

  # The worldOpen settings section (lambda-src/policy/world-open-settings.ts); optional keys only when set.
  world_open_config = merge(
    {
      enabled              = var.enable_world_open_remediation
      sweep                = var.world_open_sweep
      configRuleName       = local.world_open_config_rule_name
      authorizedTcpPorts   = var.world_open_authorized_tcp_ports
      authorizedUdpPorts   = var.world_open_authorized_udp_ports
      replacementCidrsIpv4 = var.world_open_replacement_cidrs_ipv4
      replacementCidrsIpv6 = var.world_open_replacement_cidrs_ipv6
      excludedGroupIds     = var.world_open_excluded_group_ids
    },
    var.world_open_min_prefix_length_ipv4 == null ? {} : { worldOpenMinPrefixLengthIpv4 = var.world_open_min_prefix_length_ipv4 },
    var.world_open_min_prefix_length_ipv6 == null ? {} : { worldOpenMinPrefixLengthIpv6 = var.world_open_min_prefix_length_ipv6 },
    var.world_open_scope_tag == null ? {} : { scopeTag = var.world_open_scope_tag },
  )

  world_open_statements = module.guard_permissions.world_open_statements

  world_open_sweep = var.enable_world_open_remediation && var.world_open_sweep
  # EventBridge rules of this capability that target the function (their dead letters are admitted).
  world_open_event_rule_arns = [for m in module.world_open : m.compliance_rule_arn]
  world_open_event_rule      = var.enable_world_open_remediation && var.world_open_compliance_events_enabled
}

module "world_open" {
  source = "./modules/config-rule"
  count  = var.enable_world_open_remediation ? 1 : 0

  name                              = "${var.name}-world-open"
  config_rule_name                  = local.world_open_config_rule_name
  authorized_tcp_ports              = var.world_open_authorized_tcp_ports
  authorized_udp_ports              = var.world_open_authorized_udp_ports
  kms_key_arn                       = local.kms_key_arn
  function_arn                      = module.function.function_arn
  function_name                     = module.function.function_name
  dead_letter_queue_arn             = module.function.dead_letter_queue_arn
  create_config_recorder            = var.create_config_recorder
  force_destroy                     = var.force_destroy_buckets
  recorder_bucket_retention_days    = var.audit_log_retention_days
  recorder_bucket_object_lock_days  = var.audit_object_lock_days
  remediation_enabled               = var.world_open_remediation_enabled
  remediation_configuration_managed = var.world_open_remediation_configuration_managed
  maximum_automatic_attempts        = var.world_open_remediation_max_attempts
  retry_attempt_seconds             = var.world_open_remediation_retry_seconds
  compliance_events_enabled         = var.world_open_compliance_events_enabled
  tags                              = local.tags
}
