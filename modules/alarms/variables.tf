variable "name" {
  description = "Prefix of the alarm names and the dashboard name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,200}$", var.name))
    error_message = "name must be 1-200 letters, digits, '-' or '_'."
  }
}

variable "function_name" {
  description = "The sg-guardian function (AWS/Lambda Errors, Throttles, Duration)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name must be a Lambda function name."
  }
}

variable "service_name" {
  description = "The EMF service dimension: the function's POWERTOOLS_SERVICE_NAME (its name)."
  type        = string

  validation {
    condition     = length(var.service_name) > 0
    error_message = "service_name must not be empty."
  }
}

variable "metric_namespace" {
  description = "The EMF namespace: the function's POWERTOOLS_METRICS_NAMESPACE."
  type        = string
  default     = "sg-guardian"

  validation {
    condition     = can(regex("^[A-Za-z0-9./#:_-]{1,255}$", var.metric_namespace)) && !startswith(var.metric_namespace, "AWS/")
    error_message = "metric_namespace must be a custom CloudWatch namespace (not AWS/...)."
  }
}

variable "dead_letter_queue_name" {
  description = "Name of the function's dead-letter queue."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,80}$", var.dead_letter_queue_name))
    error_message = "dead_letter_queue_name must be an SQS queue name."
  }
}

variable "alarm_topic_arn" {
  description = "SNS topic every alarm (and its return to OK) is sent to."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN."
  }
}

variable "feeds" {
  description = "Enabled feeds (aws, cloudflare): one staleness alarm each."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for f in var.feeds : contains(["aws", "cloudflare"], f)])
    error_message = "feeds may hold only aws and cloudflare."
  }
}

variable "feed_stale_days" {
  description = "Alarm when a feed has not reached its targets for this many consecutive days (1-7; CloudWatch evaluates at most 7 days)."
  type        = number
  default     = 3

  validation {
    condition     = var.feed_stale_days >= 1 && var.feed_stale_days <= 7 && floor(var.feed_stale_days) == var.feed_stale_days
    error_message = "feed_stale_days must be a whole number from 1 to 7."
  }
}

variable "dashboard_enabled" {
  description = "Also create a CloudWatch dashboard."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for the alarms."
  type        = map(string)
  default     = {}
}
