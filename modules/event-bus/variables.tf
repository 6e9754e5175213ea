variable "name" {
  description = "Prefix of the bus's rule names (<name>-drift, <name>-compliance)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,52}$", var.name))
    error_message = "name must be 1-52 letters, digits, '.', '-' or '_'."
  }
}

variable "event_bus_name" {
  description = "Name of the custom event bus."
  type        = string
  default     = "sg-guardian"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,256}$", var.event_bus_name)) && var.event_bus_name != "default"
    error_message = "event_bus_name must be 1-256 letters, digits, '.', '-' or '_', and not \"default\"."
  }
}

variable "partition" {
  description = "AWS partition of the accounts (aws, aws-cn, aws-us-gov)."
  type        = string
  default     = "aws"

  validation {
    condition     = contains(["aws", "aws-cn", "aws-us-gov"], var.partition)
    error_message = "partition must be aws, aws-cn or aws-us-gov."
  }
}

variable "organization_id" {
  description = "AWS Organizations ID (o-...): every principal of the organization may put events (aws:PrincipalOrgID). null: only account_ids."
  type        = string
  default     = null

  validation {
    condition     = var.organization_id == null || can(regex("^o-[a-z0-9]{10,32}$", var.organization_id))
    error_message = "organization_id must look like o-a1b2c3d4e5 (o- and 10-32 lower-case letters or digits)."
  }
}

variable "account_ids" {
  description = "Accounts that may put events when organization_id is null (their account principal: the forwarding roles the spokes create)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for id in var.account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "account_ids must be 12-digit AWS account IDs."
  }
}

variable "kms_key_arn" {
  description = "Customer managed key for events at rest on the bus; null: an AWS owned key (default). A customer key must let events.amazonaws.com use it for this bus."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "cloudtrail_enabled" {
  description = "A rule for the security-group API calls recorded by CloudTrail (the drift guard)."
  type        = bool
  default     = true
  nullable    = false
}

variable "config_rule_name" {
  description = "The world-open Config rule whose NON_COMPLIANT findings get a rule; null: none."
  type        = string
  default     = null
}

variable "function_arn" {
  description = "ARN of the sg-guardian function."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:lambda:", var.function_arn))
    error_message = "function_arn must be a Lambda function ARN."
  }
}

variable "function_name" {
  description = "Name of the sg-guardian function (for the invoke permissions)."
  type        = string
}

variable "dead_letter_queue_arn" {
  description = "SQS queue for events EventBridge could not deliver (the root module admits these rules in its policy)."
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
  description = "Tags for the bus and its rules."
  type        = map(string)
  default     = {}
}
