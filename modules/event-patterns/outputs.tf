output "cloudtrail" {
  description = "Pattern (JSON) of the security-group rule calls recorded by CloudTrail."
  value       = try(jsonencode(local.cloudtrail), null)
}

output "config_compliance" {
  description = "Pattern (JSON) of the Config rule's NON_COMPLIANT findings on security groups (null without config_rule_name)."
  value       = try(jsonencode(local.config_compliance), null)
}
