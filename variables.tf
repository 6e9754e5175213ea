variable "name" {
  description = "Name of the function and prefix of every resource sg-guardian creates."
  type        = string
  default     = "sg-guardian"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,56}$", var.name))
    error_message = "name must be 1-56 letters, digits, '-' or '_'."
  }
}

variable "dry_run" {
  description = "Decide and notify (\"would revert\"), but change nothing. Use it for a first week in production."
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "An existing KMS key for the topic, logs, environment and queues; null creates one (with rotation)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)."
  }
}

variable "notifications_topic_arn" {
  description = "Publish to this existing SNS topic instead of creating one."
  type        = string
  default     = null

  validation {
    condition     = var.notifications_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.notifications_topic_arn))
    error_message = "notifications_topic_arn must be an SNS topic ARN."
  }
}

variable "notifications_subscriptions" {
  description = "Subscriptions to the notification topic, e.g. [{ protocol = \"email\", endpoint = \"secops@example.com\" }]. Optional raw_message_delivery and filter_policy (JSON on kind/action/severity/group_id)."
  type = list(object({
    protocol             = string
    endpoint             = string
    raw_message_delivery = optional(bool, false)
    filter_policy        = optional(string)
  }))
  default = []
}

variable "enable_drift_guard" {
  description = "Revert unauthorized security-group rule changes (CloudTrail → EventBridge → Lambda)."
  type        = bool
  default     = true
}

variable "drift_guarded_group_ids" {
  description = "Security groups the drift guard protects, by ID (combine with drift_guard_tag; at least one of them, or drift_guard_all_groups)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.drift_guarded_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", id))])
    error_message = "drift_guarded_group_ids must hold security group IDs like sg-0123456789abcdef0."
  }
}

variable "drift_guard_tag" {
  description = "Guard every security group carrying this tag, e.g. { key = \"sg-guardian:guard\", value = \"true\" }. IAM is scoped with aws:ResourceTag."
  type = object({
    key   = string
    value = string
  })
  default = null

  validation {
    condition     = var.drift_guard_tag == null || try(length(var.drift_guard_tag.key) > 0 && length(var.drift_guard_tag.key) <= 128 && length(var.drift_guard_tag.value) <= 256, false)
    error_message = "drift_guard_tag.key must be 1-128 characters and value at most 256."
  }
}

variable "drift_guard_all_groups" {
  description = "Guard every security group in the region (explicit opt-in; gives the function revert rights on all groups)."
  type        = bool
  default     = false
}

variable "drift_guard_egress" {
  description = "Also revert outbound (egress) rule changes."
  type        = bool
  default     = true
}

variable "drift_allowed_principal_arns" {
  description = "Principals whose changes stand: ARN glob patterns (* and ?) over the caller, or the role of an assumed-role session, e.g. arn:aws:iam::123456789012:role/ci-*. The function's own role is always allowed."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.drift_allowed_principal_arns : startswith(p, "arn:")])
    error_message = "drift_allowed_principal_arns entries must be ARN patterns starting with arn:."
  }
}

variable "drift_event_retry_attempts" {
  description = "EventBridge delivery retries to the function before the dead-letter queue."
  type        = number
  default     = 8
}

variable "drift_event_max_age_seconds" {
  description = "How long EventBridge retries delivering a change event."
  type        = number
  default     = 3600
}

variable "create_trail" {
  description = "Create a CloudTrail trail (management events) with a hardened S3 bucket. Leave false when a trail already logs this region: EventBridge sees its events."
  type        = bool
  default     = false
}

variable "trail_enable_logging" {
  description = "Whether the created trail logs (false keeps it deployed but stopped)."
  type        = bool
  default     = true
}

variable "trail_cloudwatch_logs_enabled" {
  description = "Also deliver the created trail to a KMS-encrypted CloudWatch Logs group."
  type        = bool
  default     = false
}

variable "lambda_runtime" {
  description = "Lambda runtime (Node.js 20 or newer)."
  type        = string
  default     = "nodejs22.x"
}

variable "lambda_architecture" {
  description = "Lambda architecture: arm64 or x86_64."
  type        = string
  default     = "arm64"
}

variable "lambda_memory_size" {
  description = "Lambda memory in MB."
  type        = number
  default     = 256
}

variable "lambda_timeout" {
  description = "Lambda timeout in seconds."
  type        = number
  default     = 120
}

variable "lambda_reserved_concurrency" {
  description = "Reserved concurrency for the function; null leaves it unreserved."
  type        = number
  default     = null
}

variable "lambda_log_retention_days" {
  description = "Retention of the function's CloudWatch Logs, in days."
  type        = number
  default     = 365
}

variable "lambda_tracing_mode" {
  description = "X-Ray tracing mode: Active or PassThrough."
  type        = string
  default     = "Active"
}

variable "schedule_expression" {
  description = "When the periodic work runs (the Cloudflare feed sync, the AWS feed safety-net sync, the world-open sweep): an EventBridge rate() or cron() expression. Created only when something needs it."
  type        = string
  default     = "rate(1 day)"

  validation {
    condition     = can(regex("^(rate\\(\\d+ (minute|minutes|hour|hours|day|days)\\)|cron\\(.+\\))$", var.schedule_expression))
    error_message = "schedule_expression must be an EventBridge rate(...) or cron(...) expression, e.g. \"rate(1 day)\"."
  }
}

# ---- CDN allow-lists (feeds) ----

# ---- World-open remediation ----

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
