output "function_name" {
  description = "Name of the Lambda function."
  value       = module.sg_guardian.function_name
}

output "schedule_rule_arn" {
  description = "The schedule that syncs the Cloudflare feed."
  value       = module.sg_guardian.schedule_rule_arn
}

output "security_group_ids" {
  description = "The Cloudflare-fed groups, by shard index."
  value       = { for shard, g in aws_security_group.cloudflare : shard => g.id }
}
