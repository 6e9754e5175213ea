output "key_arn" {
  description = "ARN of the key."
  value       = try(aws_kms_key.this.arn, null)
}

output "alias_name" {
  description = "Alias of the key."
  value       = try(aws_kms_alias.this.name, null)
}
