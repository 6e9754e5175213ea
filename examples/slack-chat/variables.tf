variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name of the deployment."
  type        = string
  default     = "sg-guardian-slack"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,56}$", var.name))
    error_message = "name must be 1-56 letters, digits, '-' or '_'."
  }
}

variable "slack_workspace_id" {
  description = "The Slack workspace (team) ID authorized in Amazon Q Developer in chat applications, e.g. T07EA123LEP."
  type        = string

  validation {
    condition     = can(regex("^T[A-Z0-9]{8,}$", var.slack_workspace_id))
    error_message = "slack_workspace_id must be a Slack workspace ID like T07EA123LEP (authorize the workspace in the Amazon Q Developer console first)."
  }
}

variable "slack_channel_id" {
  description = "The Slack channel ID, the end of the channel's \"Copy link\" URL, e.g. C07EZ1ABC23."
  type        = string

  validation {
    condition     = can(regex("^[CG][A-Z0-9]{8,}$", var.slack_channel_id))
    error_message = "slack_channel_id must be a Slack channel ID like C07EZ1ABC23 (not the channel's name)."
  }
}

variable "enable_security_hub_findings" {
  description = "Also report to Security Hub (it must be enabled in the account and region)."
  type        = bool
  default     = true
}
