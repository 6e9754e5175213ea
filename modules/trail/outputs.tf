output "trail_arn" {
  description = "ARN of the trail."
  value       = try(aws_cloudtrail.this.arn, null)
}

output "bucket_name" {
  description = "Bucket holding the trail's logs."
  value       = try(module.bucket.id, null)
}
