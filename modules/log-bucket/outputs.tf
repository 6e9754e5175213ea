output "id" {
  description = "Bucket name."
  value       = try(aws_s3_bucket.this.id, null)
}

output "arn" {
  description = "Bucket ARN."
  value       = try(aws_s3_bucket.this.arn, null)
}

output "policy_id" {
  description = "The bucket policy resource's ID: depend on it before a service writes."
  value       = try(aws_s3_bucket_policy.this.id, null)
}
