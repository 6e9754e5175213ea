variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name of the deployment."
  type        = string
  default     = "sg-guardian-drift"
}

variable "allowed_principal_arns" {
  description = "Principals whose security-group changes stand (ARN globs)."
  type        = list(string)
  default     = ["arn:aws:iam::*:role/ci-deployer"]
}

variable "create_trail" {
  description = "Create a CloudTrail trail (set false when the account already has one)."
  type        = bool
  default     = true
}

variable "notifications_subscriptions" {
  description = "Who hears about reverts."
  type = list(object({
    protocol             = string
    endpoint             = string
    raw_message_delivery = optional(bool, false)
    filter_policy        = optional(string)
  }))
  default = []
}
