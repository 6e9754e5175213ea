output "function_name" {
  description = "Name of the Lambda function."
  value       = module.sg_guardian.function_name
}

output "notifications_topic_arn" {
  description = "The notification topic."
  value       = module.sg_guardian.notifications_topic_arn
}
