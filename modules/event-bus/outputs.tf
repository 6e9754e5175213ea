output "event_bus_arn" {
  description = "ARN of the organization bus (the spokes' forwarding target)."
  value       = try(aws_cloudwatch_event_bus.this.arn, null)
}

output "event_bus_name" {
  description = "Name of the organization bus."
  value       = try(aws_cloudwatch_event_bus.this.name, null)
}

output "rule_arns" {
  description = "ARNs of the bus's rules by kind (drift, compliance): the only sources allowed to invoke the function through the bus."
  value       = try({ for k, r in aws_cloudwatch_event_rule.this : k => r.arn }, {})
}

output "event_patterns" {
  description = "The rules' event patterns by kind (JSON), the same as the spokes forward."
  value       = try(local.patterns, {})
}

output "policy" {
  description = "The bus policy (JSON)."
  value       = try(aws_cloudwatch_event_bus_policy.this.policy, null)
}
