# Drift guard: every group tagged sg-guardian:guard=true is protected; a CI role may change them.
# A trail is created for accounts that have none.
provider "aws" {
  region = var.region
}

module "sg_guardian" {
  source = "../.."

  # Examples are applied and destroyed by the tests; keep the default (true) in production.
  state_table_deletion_protection = false
  name                            = var.name

  enable_drift_guard           = true
  drift_guard_tag              = { key = "sg-guardian:guard", value = "true" }
  drift_allowed_principal_arns = var.allowed_principal_arns

  create_trail = var.create_trail

  notifications_subscriptions = var.notifications_subscriptions

  tags = { Environment = "example" }
}
