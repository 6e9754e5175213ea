variable "name" {
  description = "Name of the trail (and prefix of its bucket)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{2,36}$", var.name))
    error_message = "name must be 3-37 letters, digits, '.', '_' or '-' (the bucket prefix must stay short)."
  }
}

variable "kms_key_arn" {
  description = "KMS key encrypting the trail's logs (its policy must let CloudTrail use it)."
  type        = string
}

variable "enable_logging" {
  description = "Whether the trail logs."
  type        = bool
  default     = true
}

variable "cloudwatch_logs_enabled" {
  description = "Also deliver the trail to a KMS-encrypted CloudWatch Logs group."
  type        = bool
  default     = false
}

variable "log_retention_days" {
  description = "Days to keep the audit logs in S3 (and CloudWatch Logs when enabled); null keeps them forever."
  type        = number
  default     = 365

  validation {
    condition     = var.log_retention_days == null || contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be null or a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ..., 365, ..., 3653)."
  }
}

variable "object_lock_days" {
  description = "S3 Object Lock in governance mode for this many days on every log object (no deletion or overwrite before, except with s3:BypassGovernanceRetention); null: no lock."
  type        = number
  default     = null

  validation {
    condition     = var.object_lock_days == null || try(var.object_lock_days >= 1 && floor(var.object_lock_days) == var.object_lock_days, false)
    error_message = "object_lock_days must be null or a whole number of days, at least 1."
  }
}

variable "force_destroy" {
  description = "Allow destroying the bucket with logs in it (tests; keep false in production)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for the trail and its bucket."
  type        = map(string)
  default     = {}
}
