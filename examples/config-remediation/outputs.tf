output "function_name" {
  description = "Name of the Lambda function."
  value       = module.sg_guardian.function_name
}

output "function_arn" {
  description = "ARN of the Lambda function."
  value       = module.sg_guardian.function_arn
}

output "kms_key_arn" {
  description = "KMS key encrypting the topics, logs and recorder bucket."
  value       = module.sg_guardian.kms_key_arn
}

output "notifications_topic_arn" {
  description = "The notification topic."
  value       = module.sg_guardian.notifications_topic_arn
}

output "config_rule_name" {
  description = "The AWS Config rule."
  value       = module.sg_guardian.world_open_config_rule_name
}

output "config_rule_arn" {
  description = "ARN of the AWS Config rule."
  value       = module.sg_guardian.world_open_config_rule_arn
}

output "remediation_topic_arn" {
  description = "Topic the remediation publishes group IDs to."
  value       = module.sg_guardian.world_open_remediation_topic_arn
}

output "compliance_rule_arn" {
  description = "EventBridge rule for NON_COMPLIANT findings."
  value       = module.sg_guardian.world_open_compliance_rule_arn
}

output "config_recorder_name" {
  description = "The created Config recorder."
  value       = module.sg_guardian.config_recorder_name
}

output "schedule_rule_arn" {
  description = "The daily sweep."
  value       = module.sg_guardian.schedule_rule_arn
}
