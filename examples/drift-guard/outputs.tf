output "function_name" {
  description = "Name of the Lambda function."
  value       = module.sg_guardian.function_name
}

output "function_role_arn" {
  description = "The function's role (always allowed)."
  value       = module.sg_guardian.function_role_arn
}

output "notifications_topic_arn" {
  description = "The notification topic."
  value       = module.sg_guardian.notifications_topic_arn
}

output "drift_event_pattern" {
  description = "The drift rule's event pattern."
  value       = module.sg_guardian.drift_event_pattern
}

output "trail_arn" {
  description = "The created trail."
  value       = module.sg_guardian.trail_arn
}
