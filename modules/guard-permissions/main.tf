# The EC2 statements of the guard, in one place: the hub function's role (root module) and every
# member account's role (modules/spoke) are built from the same scope, so a member role can do
# exactly what the function may do in its own account, nothing more. No resources.
locals {
  drift_mutations = ["ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"]
  any_group       = [for p in var.security_group_arn_prefixes : "${p}/*"]

  read = [{
    sid        = "ReadSecurityGroups"
    actions    = ["ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules", "ec2:DescribeManagedPrefixLists", "ec2:GetManagedPrefixListEntries"]
    resources  = ["*"] # Describe* calls support no resource-level permissions
    conditions = []
  }]

  # Revert rights only where the guard acts: the listed groups, the tagged groups, or (explicit opt-in) all.
  drift = !var.scope.drift.enabled ? [] : concat(
    length(var.scope.drift.group_ids) == 0 ? [] : [{
      sid        = "DriftRevertGuardedGroups"
      actions    = local.drift_mutations
      resources  = flatten([for id in var.scope.drift.group_ids : [for p in var.security_group_arn_prefixes : "${p}/${id}"]])
      conditions = []
    }],
    var.scope.drift.tag == null ? [] : [{
      sid        = "DriftRevertTaggedGroups"
      actions    = local.drift_mutations
      resources  = local.any_group
      conditions = [{ test = "StringEquals", variable = "aws:ResourceTag/${var.scope.drift.tag.key}", values = [var.scope.drift.tag.value] }]
    }],
    !var.scope.drift.all_groups ? [] : [{
      sid        = "DriftRevertAllGroups"
      actions    = local.drift_mutations
      resources  = local.any_group
      conditions = []
    }],
  )

  # The function tags nothing: groups it may change are the listed ones, and tagged ones only with
  # tag enrolment on; it selects tagged groups case-insensitively (lambda-src/plan/feeds.ts), so IAM does too.
  feed_group_mutations = ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"]
  feed_listed_group_arns = flatten([
    for id in distinct(var.scope.feeds.group_ids) : [for p in var.security_group_arn_prefixes : "${p}/${id}"]
  ])
  feed_groups = concat(
    length(var.scope.feeds.names) == 0 || !var.scope.feeds.tag_enrolment ? [] : [{
      sid        = "FeedTaggedGroupRules"
      actions    = local.feed_group_mutations
      resources  = local.any_group
      conditions = [{ test = "StringEqualsIgnoreCase", variable = "aws:ResourceTag/${var.scope.feeds.tag_key}", values = var.scope.feeds.names }]
    }],
    length(local.feed_listed_group_arns) == 0 ? [] : [{
      sid        = "FeedListedGroupRules"
      actions    = local.feed_group_mutations
      resources  = local.feed_listed_group_arns
      conditions = []
    }],
  )

  # Replace = authorize the replacement, then revoke the world-open rule; ingress only, and only on
  # tagged groups when a scope tag is set. Excluded groups are skipped by the function, not denied
  # here: an explicit Deny would also stop the drift guard and the feeds on those groups (one role).
  world_open = !var.scope.world_open.enabled ? [] : [{
    sid        = var.scope.world_open.scope_tag == null ? "WorldOpenReplaceIngress" : "WorldOpenReplaceIngressTaggedGroups"
    actions    = ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"]
    resources  = local.any_group
    conditions = var.scope.world_open.scope_tag == null ? [] : [{ test = "StringEquals", variable = "aws:ResourceTag/${var.scope.world_open.scope_tag.key}", values = [var.scope.world_open.scope_tag.value] }]
  }]
}
