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
  description = "IAM principals (exact role or user ARNs) allowed to publish to the created topic: the function's role and any listed; every other principal is denied."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.publisher_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$", a))])
    error_message = "publisher_arns must be exact IAM role or user ARNs (no wildcards: they go into a topic policy's Principal)."
  }
}

variable "publisher_services" {
  description = "Service principals allowed to publish, each only for its source ARNs in this account, e.g. { sid = \"CloudWatchAlarms\", service = \"cloudwatch.amazonaws.com\", source_arns = [\"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:sg-guardian-*\"] }."
  type = list(object({
    sid         = string
    service     = string
    source_arns = list(string)
  }))
  default = []

  validation {
    condition     = alltrue([for s in var.publisher_services : endswith(s.service, ".amazonaws.com") && length(s.source_arns) > 0 && can(regex("^[A-Za-z0-9]+$", s.sid))])
    error_message = "Each publisher_services entry needs an alphanumeric sid, a service principal (*.amazonaws.com) and at least one source ARN."
  }
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
