variable "name_prefix" {
  description = "Bucket name prefix (S3 appends a unique suffix)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,36}$", var.name_prefix))
    error_message = "name_prefix must be 2-37 lower-case letters, digits, '.' or '-', starting with a letter or digit."
  }
}

variable "kms_key_arn" {
  description = "KMS key encrypting the objects."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key or alias ARN."
  }
}

variable "retention_days" {
  description = "Days objects are kept (noncurrent versions: 30 more); null keeps them forever."
  type        = number
  default     = 365

  validation {
    condition     = var.retention_days == null || try(var.retention_days >= 1 && floor(var.retention_days) == var.retention_days, false)
    error_message = "retention_days must be null or a whole number of days, at least 1."
  }
}

variable "object_lock_days" {
  description = "S3 Object Lock (governance mode) default retention in days for every new object; null: no Object Lock. Enabling it on an existing bucket replaces the bucket."
  type        = number
  default     = null

  validation {
    condition     = var.object_lock_days == null || try(var.object_lock_days >= 1 && var.object_lock_days <= 36500 && floor(var.object_lock_days) == var.object_lock_days, false)
    error_message = "object_lock_days must be null or a whole number of days from 1 to 36500."
  }
}

variable "force_destroy" {
  description = "Allow destroying the bucket with objects in it (tests; keep false in production)."
  type        = bool
  default     = false
}

variable "service_statements" {
  description = "Service principals that write with their own identity: sid, service (e.g. cloudtrail.amazonaws.com), actions, paths (\"\" = the bucket itself, else an object key pattern) and the source ARNs allowed."
  type = list(object({
    sid         = string
    service     = string
    actions     = list(string)
    paths       = list(string)
    source_arns = list(string)
  }))
  default = []
}

variable "tags" {
  description = "Tags for the bucket."
  type        = map(string)
  default     = {}
}
