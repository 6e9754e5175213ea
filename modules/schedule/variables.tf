variable "name" {
  description = "Name of the EventBridge schedule rule."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,64}$", var.name))
    error_message = "name must be 1-64 letters, digits, '.', '-' or '_'."
  }
}

variable "enabled" {
  description = "Whether the schedule fires (DISABLED keeps it deployed but silent)."
  type        = bool
  default     = true
}

variable "schedule_expression" {
  description = "EventBridge rate() or cron() expression."
  type        = string
  default     = "rate(1 day)"

  validation {
    condition     = can(regex("^(rate\\(\\d+ (minute|minutes|hour|hours|day|days)\\)|cron\\(.+\\))$", var.schedule_expression))
    error_message = "schedule_expression must be an EventBridge rate(...) or cron(...) expression, e.g. \"rate(1 day)\"."
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
  description = "SQS queue for scheduled events EventBridge could not deliver (the root module admits this rule in the queue policy)."
  type        = string
}

variable "tags" {
  description = "Tags for the rule."
  type        = map(string)
  default     = {}
}
