output "topic_arn" {
  description = "ARN of the topic sg-guardian publishes to."
  value       = try(local.topic_arn, null)
}

output "subscription_arns" {
  description = "ARNs of the subscriptions, keyed by protocol:endpoint."
  value       = try({ for k, s in aws_sns_topic_subscription.this : k => s.arn }, {})
}
