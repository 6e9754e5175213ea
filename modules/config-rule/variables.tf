variable "name" {
  description = "Prefix of the topic, roles, EventBridge rule, recorder and bucket (names with a length limit are truncated to fit)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,80}$", var.name))
    error_message = "name must be 1-80 letters, digits, '-' or '_'."
  }
}

variable "config_rule_name" {
  description = "Name of the AWS Config rule (the Lambda acts only on findings of this rule)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,128}$", var.config_rule_name))
    error_message = "config_rule_name must be 1-128 letters, digits, '.', '-' or '_'."
  }
}

variable "authorized_tcp_ports" {
  description = "TCP ports that may stay open to the world: \"443\" or \"1020-1025\", one per element (the managed rule's authorizedTcpPorts)."
  type        = list(string)
  default     = ["443"]

  validation {
    condition = alltrue([for p in var.authorized_tcp_ports : try(
      can(regex("^[0-9]{1,5}(-[0-9]{1,5})?$", p)) &&
      tonumber(split("-", p)[0]) <= tonumber(reverse(split("-", p))[0]) &&
      tonumber(reverse(split("-", p))[0]) <= 65535
    , false)])
    error_message = "authorized_tcp_ports must hold ports \"N\" or ranges \"N-M\" (N <= M) within 0-65535."
  }
}

variable "authorized_udp_ports" {
  description = "UDP ports that may stay open to the world, in the same form as authorized_tcp_ports."
  type        = list(string)
  default     = []

  validation {
    condition = alltrue([for p in var.authorized_udp_ports : try(
      can(regex("^[0-9]{1,5}(-[0-9]{1,5})?$", p)) &&
      tonumber(split("-", p)[0]) <= tonumber(reverse(split("-", p))[0]) &&
      tonumber(reverse(split("-", p))[0]) <= 65535
    , false)])
    error_message = "authorized_udp_ports must hold ports \"N\" or ranges \"N-M\" (N <= M) within 0-65535."
  }
}

variable "kms_key_arn" {
  description = "KMS key encrypting the remediation topic and the recorder bucket (its policy must let IAM policies grant use, as the AWS default key policy does)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "function_arn" {
  description = "ARN of the sg-guardian function (subscribed to the remediation topic, target of the compliance rule)."
  type        = string
}

variable "function_name" {
  description = "Name of the sg-guardian function (for the invoke permissions)."
  type        = string
}

variable "dead_letter_queue_arn" {
  description = "SQS queue for compliance events EventBridge could not deliver (the root module admits this rule in the queue policy)."
  type        = string
}

variable "create_config_recorder" {
  description = "Create a configuration recorder (security groups only), delivery channel and bucket. Config allows one recorder per region: leave false when the account has one."
  type        = bool
  default     = false
}

variable "recorder_bucket_retention_days" {
  description = "Days the recorder's bucket keeps configuration snapshots and history; null keeps them forever."
  type        = number
  default     = 365

  validation {
    condition     = var.recorder_bucket_retention_days == null || try(var.recorder_bucket_retention_days >= 1 && floor(var.recorder_bucket_retention_days) == var.recorder_bucket_retention_days, false)
    error_message = "recorder_bucket_retention_days must be null or a whole number of days, at least 1."
  }
}

variable "recorder_bucket_object_lock_days" {
  description = "S3 Object Lock (governance mode) for this many days on the recorder's objects; null: no lock."
  type        = number
  default     = null

  validation {
    condition     = var.recorder_bucket_object_lock_days == null || try(var.recorder_bucket_object_lock_days >= 1 && floor(var.recorder_bucket_object_lock_days) == var.recorder_bucket_object_lock_days, false)
    error_message = "recorder_bucket_object_lock_days must be null or a whole number of days, at least 1."
  }
}

variable "force_destroy" {
  description = "Allow destroying the recorder bucket with objects in it (tests; keep false in production)."
  type        = bool
  default     = false
}

variable "remediation_enabled" {
  description = "The remediation path: a topic the function subscribes to, the role SSM AWS-PublishSNSNotification publishes with, and the rule's automatic remediation. false creates none of them."
  type        = bool
  default     = true
}

variable "remediation_configuration_managed" {
  description = "With remediation_enabled: also create the rule's remediation configuration here (false when it is attached elsewhere, e.g. a conformance pack, or on an emulator without the API; the topic and role stay)."
  type        = bool
  default     = true
}

variable "maximum_automatic_attempts" {
  description = "How many times Config retries a failed remediation within retry_attempt_seconds."
  type        = number
  default     = 5

  validation {
    condition     = var.maximum_automatic_attempts >= 1 && var.maximum_automatic_attempts <= 25 && floor(var.maximum_automatic_attempts) == var.maximum_automatic_attempts
    error_message = "maximum_automatic_attempts must be a whole number between 1 and 25."
  }
}

variable "retry_attempt_seconds" {
  description = "The window, in seconds, for maximum_automatic_attempts."
  type        = number
  default     = 60

  validation {
    condition     = var.retry_attempt_seconds >= 1 && var.retry_attempt_seconds <= 2678000 && floor(var.retry_attempt_seconds) == var.retry_attempt_seconds
    error_message = "retry_attempt_seconds must be a whole number between 1 and 2678000."
  }
}

variable "compliance_events_enabled" {
  description = "Also send the rule's NON_COMPLIANT compliance changes for security groups to the function through EventBridge (the faster path)."
  type        = bool
  default     = true
}

variable "maximum_retry_attempts" {
  description = "EventBridge retries of a compliance event before the dead-letter queue."
  type        = number
  default     = 8

  validation {
    condition     = var.maximum_retry_attempts >= 0 && var.maximum_retry_attempts <= 185
    error_message = "maximum_retry_attempts must be between 0 and 185."
  }
}

variable "maximum_event_age_in_seconds" {
  description = "How long EventBridge keeps retrying a compliance event."
  type        = number
  default     = 3600

  validation {
    condition     = var.maximum_event_age_in_seconds >= 60 && var.maximum_event_age_in_seconds <= 86400
    error_message = "maximum_event_age_in_seconds must be between 60 and 86400."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
