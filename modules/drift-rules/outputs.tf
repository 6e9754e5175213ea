output "rule_arn" {
  description = "ARN of the EventBridge rule."
  value       = try(aws_cloudwatch_event_rule.this.arn, null)
}

output "event_pattern" {
  description = "The rule's event pattern (JSON)."
  value       = try(aws_cloudwatch_event_rule.this.event_pattern, null)
}
