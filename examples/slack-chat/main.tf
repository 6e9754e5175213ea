# The drift guard and world-open remediation, reported to a Slack channel through Amazon Q Developer
# in chat applications (formerly AWS Chatbot) and to Security Hub. The channel subscribes to the
# module's topic over https and renders the custom-notification body sg-guardian publishes for
# http(s) subscribers; e-mail subscribers keep receiving the plain text.
#
# Before applying: authorize the Slack workspace once in the Amazon Q Developer console (chat
# clients -> Slack); that gives the workspace ID (T...). The channel ID (C...) is the end of the
# channel's "Copy link" URL. For a private channel, invite @Amazon Q to it.
provider "aws" {
  region = var.region
}

data "aws_partition" "current" {}

module "sg_guardian" {
  source = "../.."

  # Examples are applied and destroyed by the tests; keep the default (true) in production.
  state_table_deletion_protection = false
  name                            = var.name
  enable_drift_guard              = true
  drift_guard_tag                 = { key = "sg-guardian:guard", value = "true" }
  enable_world_open_remediation   = true
  create_config_recorder          = false

  enable_security_hub_findings = var.enable_security_hub_findings

  tags = { Environment = "example" }
}

# The role the channel assumes. Notifications need no permission; with this role and the read-only
# guardrail, nobody in the channel can change anything through it.
data "aws_iam_policy_document" "chatbot_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["chatbot.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "chatbot" {
  name               = "${var.name}-chatbot"
  assume_role_policy = data.aws_iam_policy_document.chatbot_trust.json
  tags               = { Environment = "example" }
}

# The module's topic is encrypted with its KMS key: SNS decrypts for https delivery under the
# key's "AwsServicesDeliver" statement (sns.amazonaws.com, this account), so the channel needs no
# key permission of its own.
resource "aws_chatbot_slack_channel_configuration" "security" {
  configuration_name    = "${var.name}-slack"
  iam_role_arn          = aws_iam_role.chatbot.arn
  slack_team_id         = var.slack_workspace_id
  slack_channel_id      = var.slack_channel_id
  sns_topic_arns        = [module.sg_guardian.notifications_topic_arn]
  guardrail_policy_arns = ["arn:${data.aws_partition.current.partition}:iam::aws:policy/ReadOnlyAccess"]
  logging_level         = "ERROR"

  tags = { Environment = "example" }
}
