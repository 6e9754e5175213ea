output "function_name" {
  description = "Name of the Lambda function."
  value       = module.sg_guardian.function_name
}

output "schedule_rule_arn" {
  description = "The schedule that syncs the Cloudflare feed."
  value       = module.sg_guardian.schedule_rule_arn
}

output "security_group_ids" {
  description = "The Cloudflare-fed groups, in shard order (0, 1)."
  value       = [for shard in sort(keys(aws_security_group.cloudflare)) : aws_security_group.cloudflare[shard].id]
}
