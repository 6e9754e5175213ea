output "config_rule_arn" {
  description = "ARN of the Config rule."
  value       = try(aws_config_config_rule.this.arn, null)
}

output "config_rule_name" {
  description = "Name of the Config rule."
  value       = try(aws_config_config_rule.this.name, null)
}

output "remediation_topic_arn" {
  description = "KMS-encrypted topic the remediation publishes group IDs to; the function subscribes to it (null when remediation_enabled is false)."
  value       = try(aws_sns_topic.remediation[0].arn, null)
}

output "remediation_role_arn" {
  description = "Role the SSM automation assumes: it may only publish to the remediation topic (null when remediation_enabled is false)."
  value       = try(aws_iam_role.remediation[0].arn, null)
}

output "remediation_configuration_arn" {
  description = "ARN of the remediation configuration (null when remediation_enabled is false)."
  value       = try(aws_config_remediation_configuration.this[0].arn, null)
}

output "compliance_rule_arn" {
  description = "EventBridge rule sending NON_COMPLIANT findings to the function (null when compliance_events_enabled is false)."
  value       = try(aws_cloudwatch_event_rule.compliance[0].arn, null)
}

output "compliance_event_pattern" {
  description = "The compliance rule's event pattern (JSON)."
  value       = try(aws_cloudwatch_event_rule.compliance[0].event_pattern, null)
}

output "recorder_name" {
  description = "Name of the created configuration recorder (null when create_config_recorder is false)."
  value       = try(aws_config_configuration_recorder.this[0].name, null)
}

output "recorder_bucket_name" {
  description = "Bucket the created recorder delivers to."
  value       = try(module.recorder_bucket[0].id, null)
}
