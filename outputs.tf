output "function_name" {
  description = "Name of the sg-guardian Lambda function."
  value       = try(module.function.function_name, null)
}

output "function_arn" {
  description = "ARN of the sg-guardian Lambda function."
  value       = try(module.function.function_arn, null)
}

output "function_role_arn" {
  description = "ARN of the function's role: always allowed, so its own changes never trigger it."
  value       = try(module.function.role_arn, null)
}

output "log_group_name" {
  description = "CloudWatch Logs group of the function."
  value       = try(module.function.log_group_name, null)
}

output "dead_letter_queue_arn" {
  description = "Dead-letter queue for events the function could not process."
  value       = try(module.function.dead_letter_queue_arn, null)
}

output "notifications_topic_arn" {
  description = "SNS topic sg-guardian publishes its notifications to."
  value       = try(module.notifications.topic_arn, null)
}

output "kms_key_arn" {
  description = "KMS key encrypting the topic, logs, environment and queues."
  value       = try(local.kms_key_arn, null)
}

output "drift_rule_arn" {
  description = "EventBridge rule sending security-group changes to the drift guard."
  value       = try(module.drift_rules[0].rule_arn, null)

  precondition {
    condition     = !var.enable_drift_guard || (var.drift_guard_all_groups ? length(var.drift_guarded_group_ids) == 0 && var.drift_guard_tag == null : length(var.drift_guarded_group_ids) > 0 || var.drift_guard_tag != null)
    error_message = "The drift guard needs a scope: set drift_guarded_group_ids and/or drift_guard_tag, or drift_guard_all_groups = true (alone), or enable_drift_guard = false."
  }

  precondition {
    condition     = var.enable_drift_guard || !(length(var.drift_guarded_group_ids) > 0 || var.drift_guard_tag != null || var.drift_guard_all_groups)
    error_message = "drift_guarded_group_ids / drift_guard_tag / drift_guard_all_groups are set, but the drift guard is off (enable_drift_guard defaults to false): set enable_drift_guard = true."
  }
}

output "drift_event_pattern" {
  description = "The drift rule's event pattern (JSON), e.g. to test it against your events."
  value       = try(module.drift_rules[0].event_pattern, null)
}

output "trail_arn" {
  description = "ARN of the CloudTrail trail, when create_trail is true."
  value       = try(module.trail[0].trail_arn, null)
}

output "trail_bucket_name" {
  description = "S3 bucket holding the created trail's logs."
  value       = try(module.trail[0].bucket_name, null)
}

output "schedule_rule_arn" {
  description = "EventBridge schedule rule driving the feed syncs and the world-open sweep (null when nothing needs it)."
  value       = try(module.schedule[0].rule_arn, null)
}

# ---- CDN allow-lists (feeds) ----

output "cloudfront_prefix_list_ids" {
  description = "Prefix lists the function keeps equal to the CloudFront feed ({ ipv4, ipv6 }; null when not created): reference them in your security group rules."
  value       = try(module.feed_prefix_lists["aws"].ids, { ipv4 = null, ipv6 = null })

  precondition {
    condition     = !(var.enable_cloudfront_feed && var.cloudfront_feed_mode == "prefix-lists") || var.feed_prefix_list_max_entries.aws.ipv4 + var.feed_prefix_list_max_entries.aws.ipv6 > 0
    error_message = "The CloudFront feed has no target: cloudfront_feed_mode = \"prefix-lists\" but feed_prefix_list_max_entries.aws sizes both families 0. Give one a size, or set cloudfront_feed_mode = \"security-groups\"."
  }

  precondition {
    condition     = var.enable_cloudfront_feed || length(var.feed_security_group_ids.aws) == 0
    error_message = "feed_security_group_ids.aws lists groups, but the CloudFront feed is off: set enable_cloudfront_feed = true, or remove them."
  }
}

output "cloudflare_prefix_list_ids" {
  description = "Prefix lists the function keeps equal to the Cloudflare feed ({ ipv4, ipv6 }; null when not created): reference them in your security group rules."
  value       = try(module.feed_prefix_lists["cloudflare"].ids, { ipv4 = null, ipv6 = null })

  precondition {
    condition     = !(var.enable_cloudflare_feed && var.cloudflare_feed_mode == "prefix-lists") || var.feed_prefix_list_max_entries.cloudflare.ipv4 + var.feed_prefix_list_max_entries.cloudflare.ipv6 > 0
    error_message = "The Cloudflare feed has no target: cloudflare_feed_mode = \"prefix-lists\" but feed_prefix_list_max_entries.cloudflare sizes both families 0. Give one a size, or set cloudflare_feed_mode = \"security-groups\"."
  }

  precondition {
    condition     = var.enable_cloudflare_feed || length(var.feed_security_group_ids.cloudflare) == 0
    error_message = "feed_security_group_ids.cloudflare lists groups, but the Cloudflare feed is off: set enable_cloudflare_feed = true, or remove them."
  }
}

output "feed_config" {
  description = "The feeds section of the function's settings (SG_GUARDIAN_CONFIG), for debugging."
  value       = try(local.feeds_config, null)
}

# ---- World-open remediation ----

output "world_open_config_rule_arn" {
  description = "ARN of the AWS Config rule VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS (null unless enable_world_open_remediation)."
  value       = try(module.world_open[0].config_rule_arn, null)

  # The function rejects a replacement it would itself flag as world-open: fail at plan instead.
  precondition {
    condition = (
      alltrue([for c in var.world_open_replacement_cidrs_ipv4 : try(tonumber(split("/", c)[1]) >= coalesce(var.world_open_min_prefix_length_ipv4, 1), true)]) &&
      alltrue([for c in var.world_open_replacement_cidrs_ipv6 : try(tonumber(split("/", c)[1]) >= coalesce(var.world_open_min_prefix_length_ipv6, 1), true)])
    )
    error_message = "world_open_replacement_cidrs_ipv4 / _ipv6 hold a CIDR shorter than world_open_min_prefix_length_ipv4 / _ipv6: the replacement would itself count as world-open."
  }
}

output "world_open_config_rule_name" {
  description = "Name of the AWS Config rule whose findings the function acts on."
  value       = try(module.world_open[0].config_rule_name, null)
}

output "world_open_remediation_topic_arn" {
  description = "KMS-encrypted topic the Config remediation publishes group IDs to (only its role may publish); the function subscribes to it."
  value       = try(module.world_open[0].remediation_topic_arn, null)
}

output "world_open_compliance_rule_arn" {
  description = "EventBridge rule sending the Config rule's NON_COMPLIANT findings to the function."
  value       = try(module.world_open[0].compliance_rule_arn, null)
}

output "config_recorder_name" {
  description = "AWS Config recorder created for security groups (null unless create_config_recorder)."
  value       = try(module.world_open[0].recorder_name, null)
}

output "state_table_name" {
  description = "DynamoDB table holding the desired state (baselines per guarded group, feed records, the event ledger); the CLI's `state` commands take it."
  value       = try(module.state_table.table_name, null)
}

output "state_table_arn" {
  description = "ARN of the desired-state table."
  value       = try(module.state_table.table_arn, null)
}

output "settings" {
  description = "The settings document the function runs with (SG_GUARDIAN_CONFIG): pass it to `sg-guardian explain --config` and `sg-guardian state`."
  value       = try(jsonencode(local.config), null)
}

output "alarm_arns" {
  description = "The alarms, by purpose: dead_letters, errors, throttles, failed_actions, feed_stale_<feed> (empty when enable_alarms is false)."
  value       = try(module.alarms[0].alarm_arns, {})
}

output "dashboard_name" {
  description = "The CloudWatch dashboard, or null."
  value       = try(module.alarms[0].dashboard_name, null)
}

output "organization_event_bus_arn" {
  description = "The hub's organization bus: modules/spoke forwards member accounts' events here (null without organization)."
  value       = try(module.event_bus[0].event_bus_arn, null)
}

output "organization_member_role_name" {
  description = "Name of the role the function assumes in each member account (null without organization)."
  value       = try(var.organization.member_role_name, null)
}

output "member_role_scope" {
  description = "The guard's EC2 scope (drift guard, feeds' groups, world-open): pass it to modules/spoke's guard_scope so member roles grant what the function has at home, nothing more."
  value       = try(local.guard_scope, null)
}

output "prefix_list_share_arn" {
  description = "The AWS RAM share of the feeds' prefix lists (null unless organization.share_prefix_lists_with is set)."
  value       = try(module.prefix_list_share[0].share_arn, null)
}

output "security_hub_product_arn" {
  description = "The Security Hub product the function imports findings into (the account's default product); null when enable_security_hub_findings is off."
  value       = var.enable_security_hub_findings ? local.security_hub_product_arn : null
}
