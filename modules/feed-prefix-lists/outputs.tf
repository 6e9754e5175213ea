output "ids" {
  description = "Prefix list IDs by family ({ ipv4, ipv6 }; null for a family not created)."
  value       = { for family in ["ipv4", "ipv6"] : family => try(aws_ec2_managed_prefix_list.this[family].id, null) }
}

output "arns" {
  description = "Prefix list ARNs by family ({ ipv4, ipv6 }; null for a family not created)."
  value       = { for family in ["ipv4", "ipv6"] : family => try(aws_ec2_managed_prefix_list.this[family].arn, null) }
}
