variable "name" {
  description = "Name of the function, its role, log group and dead-letter queue."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,56}$", var.name))
    error_message = "name must be 1-56 characters of letters, digits, '-' or '_' (Lambda allows 64; suffixes need the rest)."
  }
}

variable "bundle_path" {
  description = "Path of the esbuild bundle (dist/handler.mjs) to zip and deploy."
  type        = string

  validation {
    condition     = endswith(var.bundle_path, ".mjs")
    error_message = "bundle_path must point at the ESM bundle, a .mjs file."
  }
}

variable "config" {
  description = "Settings document passed to the Lambda as SG_GUARDIAN_CONFIG (see README: Settings). selfRoleArn is added here."
  type        = any
}

variable "runtime" {
  description = "Lambda runtime."
  type        = string
  default     = "nodejs22.x"

  validation {
    condition     = can(regex("^nodejs(2[0-9]|[3-9][0-9])\\.x$", var.runtime))
    error_message = "runtime must be nodejs20.x or newer (the bundle targets Node.js 20)."
  }
}

variable "architecture" {
  description = "Instruction set: arm64 (cheaper) or x86_64."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_size" {
  description = "Memory in MB."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "timeout" {
  description = "Timeout in seconds. Feed syncs over many groups need more than drift reverts."
  type        = number
  default     = 120

  validation {
    condition     = var.timeout >= 10 && var.timeout <= 900
    error_message = "timeout must be between 10 and 900 seconds."
  }
}

variable "reserved_concurrency" {
  description = "Reserved concurrency; null leaves the function unreserved (accounts with the default 10-concurrency quota cannot reserve)."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrency == null || try(var.reserved_concurrency >= 1, false)
    error_message = "reserved_concurrency must be null or at least 1 (0 would disable the guard)."
  }
}

variable "log_retention_days" {
  description = "CloudWatch Logs retention for the function's log group."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ..., 365, ..., 3653)."
  }
}

variable "kms_key_arn" {
  description = "KMS key encrypting the log group, the environment and the dead-letter queue."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "policy_statements" {
  description = "IAM statements the function needs beyond logs and its dead-letter queue (built by the root module per capability)."
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
  }))
  default = []
}

variable "tracing_mode" {
  description = "X-Ray tracing: Active or PassThrough."
  type        = string
  default     = "Active"

  validation {
    condition     = contains(["Active", "PassThrough"], var.tracing_mode)
    error_message = "tracing_mode must be Active or PassThrough."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
