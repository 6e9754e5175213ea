output "rule_arn" {
  description = "ARN of the schedule rule."
  value       = try(aws_cloudwatch_event_rule.this.arn, null)
}

output "rule_name" {
  description = "Name of the schedule rule."
  value       = try(aws_cloudwatch_event_rule.this.name, null)
}
