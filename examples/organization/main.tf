# An organization: the hub (this account, one home region) runs the guard for two member accounts
# in two regions. Each member account × region gets a spoke: its default bus forwards the
# security-group API calls to the hub bus, and one spoke per account creates the role the hub
# function assumes there.
#
# Providers cannot be created with for_each: one provider per member account × region, each
# assuming a role you can deploy with (here OrganizationAccountAccessRole, which AWS Organizations
# creates in accounts it creates). README (Organizations) shows the pattern for N accounts.
provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "member_a_us_east_1"
  region = "us-east-1"
  assume_role {
    role_arn = "arn:aws:iam::${var.member_a}:role/${var.deploy_role_name}"
  }
}

provider "aws" {
  alias  = "member_b_eu_west_1"
  region = "eu-west-1"
  assume_role {
    role_arn = "arn:aws:iam::${var.member_b}:role/${var.deploy_role_name}"
  }
}

locals {
  member_accounts = {
    (var.member_a) = ["us-east-1"]
    (var.member_b) = ["eu-west-1"]
  }
}

module "hub" {
  source = "../.."

  # Examples are applied and destroyed by the tests; keep the default (true) in production.
  state_table_deletion_protection = false
  name                            = var.name

  enable_drift_guard = true
  drift_guard_tag    = { key = "sg-guardian:guard", value = "true" }

  # The CloudFront feed into prefix lists the member accounts reference through AWS RAM. It syncs on
  # the daily schedule; add modules/ip-space-subscription (examples/cloudfront-prefix-list) for the
  # instant path on AmazonIpSpaceChanged.
  enable_cloudfront_feed = true
  cloudfront_feed_mode   = "prefix-lists"

  organization = {
    organization_id         = var.organization_id
    external_id             = var.external_id
    member_accounts         = local.member_accounts
    share_prefix_lists_with = var.share_prefix_lists_with
  }

  tags = { Environment = "example" }
}

# One spoke per member account × region; create_member_role in exactly one spoke per account.
module "spoke_member_a_us_east_1" {
  source    = "../../modules/spoke"
  providers = { aws = aws.member_a_us_east_1 }

  hub_event_bus_arn = module.hub.organization_event_bus_arn

  create_member_role    = true
  member_role_name      = module.hub.organization_member_role_name
  member_role_regions   = local.member_accounts[var.member_a]
  hub_function_role_arn = module.hub.function_role_arn
  organization_id       = var.organization_id
  external_id           = var.external_id
  guard_scope           = module.hub.member_role_scope
}

module "spoke_member_b_eu_west_1" {
  source    = "../../modules/spoke"
  providers = { aws = aws.member_b_eu_west_1 }

  hub_event_bus_arn = module.hub.organization_event_bus_arn

  create_member_role    = true
  member_role_name      = module.hub.organization_member_role_name
  member_role_regions   = local.member_accounts[var.member_b]
  hub_function_role_arn = module.hub.function_role_arn
  organization_id       = var.organization_id
  external_id           = var.external_id
  guard_scope           = module.hub.member_role_scope
}
