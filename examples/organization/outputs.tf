output "function_name" {
  description = "Name of the hub's Lambda function."
  value       = module.hub.function_name
}

output "function_role_arn" {
  description = "The hub function's role: the only principal the member roles trust."
  value       = module.hub.function_role_arn
}

output "event_bus_arn" {
  description = "The hub's organization bus."
  value       = module.hub.organization_event_bus_arn
}

output "prefix_list_share_arn" {
  description = "The AWS RAM share of the feed's prefix lists."
  value       = module.hub.prefix_list_share_arn
}

output "cloudfront_prefix_list_ids" {
  description = "The CloudFront prefix lists ({ ipv4, ipv6 }) member accounts reference."
  value       = module.hub.cloudfront_prefix_list_ids
}

output "member_role_arns" {
  description = "The member roles, by account."
  value = {
    (var.member_a) = module.spoke_member_a_us_east_1.member_role_arn
    (var.member_b) = module.spoke_member_b_eu_west_1.member_role_arn
  }
}

output "forward_rule_arns" {
  description = "The spokes' forwarding rules, by account and region."
  value = {
    "${var.member_a}/us-east-1" = module.spoke_member_a_us_east_1.forward_rule_arns
    "${var.member_b}/eu-west-1" = module.spoke_member_b_eu_west_1.forward_rule_arns
  }
}
