output "function_name" {
  description = "Name of the Lambda function."
  value       = module.sg_guardian.function_name
}

output "cloudfront_prefix_list_ids" {
  description = "The CloudFront prefix lists ({ ipv4, ipv6 })."
  value       = module.sg_guardian.cloudfront_prefix_list_ids
}

output "subscription_arn" {
  description = "The function's subscription to AmazonIpSpaceChanged."
  value       = module.ip_space_subscription.subscription_arn
}

output "origin_security_group_id" {
  description = "The example origin group referencing the IPv4 list."
  value       = aws_security_group.origin.id
}
