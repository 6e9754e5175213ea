output "share_arn" {
  description = "ARN of the resource share."
  value       = try(aws_ram_resource_share.this.arn, null)
}

output "principals" {
  description = "Who the lists are shared with."
  value       = try([for a in aws_ram_principal_association.this : a.principal], [])
}

output "prefix_list_arns" {
  description = "The shared prefix lists by key."
  value       = try({ for k, a in aws_ram_resource_association.this : k => a.resource_arn }, {})
}
