output "read_statements" {
  description = "The account-wide describe calls (EC2 has no resource-level permissions for them)."
  value       = try(local.read, [])
}

output "drift_statements" {
  description = "Revert rights of the drift guard: listed groups, tagged groups, or all (opt-in)."
  value       = try(local.drift, [])
}

output "feed_group_statements" {
  description = "Security-group mode of the feeds: tagged groups (tag enrolment) and listed groups."
  value       = try(local.feed_groups, [])
}

output "world_open_statements" {
  description = "World-open replacement: ingress on every group, or on the scope tag's groups."
  value       = try(local.world_open, [])
}

output "ec2_statements" {
  description = "All of the above, in that order: what a member account's role grants."
  value       = try(concat(local.read, local.drift, local.feed_groups, local.world_open), [])
}
