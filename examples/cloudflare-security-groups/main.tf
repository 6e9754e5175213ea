# Cloudflare feed in security-group mode: the function keeps inbound rules from Cloudflare's IPv4
# and IPv6 ranges on the feed ports in the groups listed in feed_security_group_ids (Terraform names
# the targets; a tag enrols nothing), spreading them over the shard groups (ordered by
# sg-guardian:shard) when they exceed one group's quota.
provider "aws" {
  region = var.region
}

module "sg_guardian" {
  source = "../.."

  # Examples are applied and destroyed by the tests; keep the default (true) in production.
  state_table_deletion_protection = false
  name                            = var.name

  # This example shows the feed alone; see examples/drift-guard for guarding groups too.
  enable_drift_guard = false

  enable_cloudflare_feed  = true
  cloudflare_ipv4_url     = var.cloudflare_ipv4_url
  cloudflare_ipv6_url     = var.cloudflare_ipv6_url
  cloudflare_feed_mode    = "security-groups"
  feed_ports              = var.ports
  feed_security_group_ids = { cloudflare = [for k in sort(keys(aws_security_group.cloudflare)) : aws_security_group.cloudflare[k].id] }

  notifications_subscriptions = var.notifications_subscriptions

  tags = { Environment = "example" }
}

# An IPv6 block, so the groups can hold Cloudflare's IPv6 ranges.
resource "aws_vpc" "origin" {
  #checkov:skip=CKV2_AWS_11:Example VPC; flow logs belong to your own VPC setup.
  cidr_block                       = "10.43.0.0/16"
  assign_generated_ipv6_cidr_block = true
  tags                             = { Name = "${var.name}-origin" }
}

resource "aws_default_security_group" "origin" {
  vpc_id = aws_vpc.origin.id
}

# The function owns these groups' Cloudflare rules (Terraform declares none, and declares no inline
# ingress); it writes no tags.
resource "aws_security_group" "cloudflare" {
  #checkov:skip=CKV2_AWS_5:Example group; attach it to your load balancer or instances.
  for_each = { "0" = "first", "1" = "shard for what exceeds the first group's quota" }

  name        = "${var.name}-cloudflare-${each.key}"
  description = "Origin: ${each.value} of the Cloudflare ranges (sg-guardian)"
  vpc_id      = aws_vpc.origin.id
  tags        = { "sg-guardian:shard" = each.key }
}
