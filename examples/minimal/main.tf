# The smallest deployment: the drift guard over groups tagged sg-guardian:guard=true, in dry run,
# with an encrypted topic and an optional e-mail subscriber.
provider "aws" {
  region = var.region
}

module "sg_guardian" {
  source = "../.."

  # Examples are applied and destroyed by the tests; keep the default (true) in production.
  state_table_deletion_protection = false
  name                            = var.name
  enable_drift_guard              = true
  dry_run                         = { drift_guard = true }
  drift_guard_tag                 = { key = "sg-guardian:guard", value = "true" }

  notifications_subscriptions = var.notify_email == null ? [] : [{ protocol = "email", endpoint = var.notify_email }]

  tags = { Environment = "example" }
}
