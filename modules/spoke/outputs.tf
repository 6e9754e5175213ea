output "forward_rule_arns" {
  description = "The forwarding rules on this account's default bus, by kind (drift, compliance)."
  value       = try({ for k, r in aws_cloudwatch_event_rule.forward : k => r.arn }, {})
}

output "forward_event_patterns" {
  description = "The forwarding rules' event patterns by kind (JSON): the hub bus's rules use the same."
  value       = try(local.patterns, {})
}

output "forward_role_arn" {
  description = "Role EventBridge uses to put events on the hub bus (events:PutEvents there only)."
  value       = try(aws_iam_role.forward[0].arn, null)
}

output "member_role_arn" {
  description = "The member role the hub function assumes (null unless create_member_role)."
  value       = try(aws_iam_role.member[0].arn, null)
}

output "member_role_name" {
  description = "Name of the member role (null unless create_member_role)."
  value       = try(aws_iam_role.member[0].name, null)
}

output "trail_arn" {
  description = "The created trail (null unless create_trail)."
  value       = try(module.trail[0].trail_arn, null)
}
