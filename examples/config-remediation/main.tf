# World-open remediation: AWS Config flags a security group open to the world on a port other than
# 443, and sg-guardian replaces the world-open source with the office and VPN ranges, in any VPC.
# The drift guard is off, so this example plans and applies on its own.
provider "aws" {
  region = var.region
}

module "sg_guardian" {
  source = "../.."

  # Examples are applied and destroyed by the tests; keep the default (true) in production.
  state_table_deletion_protection = false
  name                            = var.name
  enable_drift_guard              = false

  enable_world_open_remediation                = true
  world_open_authorized_tcp_ports              = var.authorized_tcp_ports
  world_open_replacement_cidrs_ipv4            = var.replacement_cidrs_ipv4
  world_open_replacement_cidrs_ipv6            = var.replacement_cidrs_ipv6
  world_open_remediation_enabled               = var.remediation_enabled
  world_open_remediation_configuration_managed = var.remediation_configuration_managed
  create_config_recorder                       = var.create_config_recorder

  notifications_subscriptions = var.notifications_subscriptions

  tags = { Environment = "example" }
}
