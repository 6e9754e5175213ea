variable "name" {
  description = "Name of the topic to create."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,256}$", var.name))
    error_message = "name must be 1-256 letters, digits, '-' or '_'."
  }
}

variable "topic_arn" {
  description = "An existing topic to publish to instead of creating one (its encryption and policy are yours)."
  type        = string
  default     = null

  validation {
    condition     = var.topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.topic_arn))
    error_message = "topic_arn must be an SNS topic ARN."
  }
}

variable "kms_key_arn" {
  description = "KMS key encrypting the created topic."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "publisher_arns" {
  description = "IAM principals allowed to publish to the created topic (the function's role)."
  type        = list(string)
  default     = []
}

variable "subscriptions" {
  description = "Subscriptions to the topic: protocol (email, https, sqs, lambda, ...), endpoint, and optionally raw delivery and a filter policy (JSON)."
  type = list(object({
    protocol             = string
    endpoint             = string
    raw_message_delivery = optional(bool, false)
    filter_policy        = optional(string)
  }))
  default = []

  validation {
    condition     = alltrue([for s in var.subscriptions : contains(["email", "email-json", "http", "https", "sqs", "lambda", "sms", "application", "firehose"], s.protocol)])
    error_message = "Each subscription protocol must be one of email, email-json, http, https, sqs, lambda, sms, application, firehose."
  }

  validation {
    condition     = alltrue([for s in var.subscriptions : s.filter_policy == null || can(jsondecode(s.filter_policy))])
    error_message = "Each subscription filter_policy must be a JSON document."
  }
}

variable "tags" {
  description = "Tags for the topic."
  type        = map(string)
  default     = {}
}
