output "table_name" {
  description = "Name of the state table."
  value       = try(aws_dynamodb_table.this.name, null)
}

output "table_arn" {
  description = "ARN of the state table."
  value       = try(aws_dynamodb_table.this.arn, null)
}
