# The smallest deployment: the function, its encrypted topic with one e-mail subscriber, in dry run.
provider "aws" {
  region = var.region
}

module "sg_guardian" {
  source = "../.."

  name    = var.name
  dry_run = true

  notifications_subscriptions = var.notify_email == null ? [] : [{ protocol = "email", endpoint = var.notify_email }]

  tags = { Environment = "example" }
}
