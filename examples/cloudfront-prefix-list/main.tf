# CloudFront feed in prefix-list mode: the module creates the prefix lists and the function keeps
# them equal to CloudFront's origin-facing ranges on every AmazonIpSpaceChanged notice. The notice
# topic lives in us-east-1 only, hence the second provider for the subscription.
provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

module "sg_guardian" {
  source = "../.."

  # Examples are applied and destroyed by the tests; keep the default (true) in production.
  state_table_deletion_protection = false
  name                            = var.name

  # This example shows the feed alone; see examples/drift-guard for guarding groups too.
  enable_drift_guard = false

  enable_cloudfront_feed     = true
  cloudfront_feed_url        = var.cloudfront_feed_url
  ip_space_changed_topic_arn = var.ip_space_changed_topic_arn

  notifications_subscriptions = var.notifications_subscriptions

  tags = { Environment = "example" }
}

module "ip_space_subscription" {
  source    = "../../modules/ip-space-subscription"
  providers = { aws = aws.us_east_1 }

  function_arn = module.sg_guardian.function_arn
  topic_arn    = var.ip_space_changed_topic_arn
}

# An origin that accepts HTTPS only from CloudFront: one rule referencing the list (it counts the
# list's max_entries against the group's rules quota).
resource "aws_vpc" "origin" {
  #checkov:skip=CKV2_AWS_11:Example VPC; flow logs belong to your own VPC setup.
  cidr_block = "10.42.0.0/16"
  tags       = { Name = "${var.name}-origin" }
}

resource "aws_default_security_group" "origin" {
  vpc_id = aws_vpc.origin.id
}

resource "aws_security_group" "origin" {
  #checkov:skip=CKV2_AWS_5:Example group; attach it to your load balancer or instances.
  name        = "${var.name}-origin"
  description = "Origin: HTTPS from CloudFront only"
  vpc_id      = aws_vpc.origin.id
}

resource "aws_vpc_security_group_ingress_rule" "cloudfront_https" {
  security_group_id = aws_security_group.origin.id
  description       = "HTTPS from CloudFront origin-facing ranges (kept exact by sg-guardian)"
  prefix_list_id    = module.sg_guardian.cloudfront_prefix_list_ids.ipv4
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}
