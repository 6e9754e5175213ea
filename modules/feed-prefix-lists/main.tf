# Customer-managed prefix lists for one feed. Terraform owns the lists (name, family, size); the
# Lambda owns their entries (Terraform ignores them); it writes no tags (what it applied is in the state table).
locals {
  families = { for family, max_entries in { ipv4 = var.ipv4_max_entries, ipv6 = var.ipv6_max_entries } : family => max_entries if max_entries != null }
}

resource "aws_ec2_managed_prefix_list" "this" {
  for_each = local.families

  name           = "${var.name}-${var.feed}-${each.key}"
  address_family = each.key == "ipv4" ? "IPv4" : "IPv6"
  max_entries    = each.value
  tags           = var.tags

  lifecycle {
    ignore_changes = [entry]
  }
}
