variable "name" {
  description = "Name of the EventBridge rule."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,64}$", var.name))
    error_message = "name must be 1-64 letters, digits, '.', '-' or '_'."
  }
}

variable "enabled" {
  description = "Whether the rule delivers events (DISABLED keeps it deployed but silent)."
  type        = bool
  default     = true
}

variable "event_names" {
  description = "CloudTrail event names that reach the drift guard."
  type        = list(string)
  default = [
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "ModifySecurityGroupRules",
  ]

  validation {
    condition     = length(var.event_names) > 0 && alltrue([for n in var.event_names : contains(["AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "ModifySecurityGroupRules"], n)])
    error_message = "event_names must be a non-empty subset of the five security-group rule calls."
  }
}

variable "function_arn" {
  description = "ARN of the sg-guardian function."
  type        = string
}

variable "function_name" {
  description = "Name of the sg-guardian function (for the invoke permission)."
  type        = string
}

variable "dead_letter_queue_arn" {
  description = "SQS queue for events EventBridge could not deliver."
  type        = string
}

variable "maximum_retry_attempts" {
  description = "EventBridge retries before the dead-letter queue."
  type        = number
  default     = 8

  validation {
    condition     = var.maximum_retry_attempts >= 0 && var.maximum_retry_attempts <= 185
    error_message = "maximum_retry_attempts must be between 0 and 185."
  }
}

variable "maximum_event_age_in_seconds" {
  description = "How long EventBridge keeps retrying an event."
  type        = number
  default     = 3600

  validation {
    condition     = var.maximum_event_age_in_seconds >= 60 && var.maximum_event_age_in_seconds <= 86400
    error_message = "maximum_event_age_in_seconds must be between 60 and 86400."
  }
}

variable "tags" {
  description = "Tags for the rule."
  type        = map(string)
  default     = {}
}
