variable "name" {
  description = "Name used in the key's alias (alias/NAME) and description."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9/_-]{1,200}$", var.name)) && !startswith(var.name, "aws/")
    error_message = "name must be letters, digits, '/', '_' or '-' and must not start with aws/."
  }
}

variable "deletion_window_in_days" {
  description = "Days before a deleted key is destroyed."
  type        = number
  default     = 30

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days must be between 7 and 30."
  }
}

variable "tags" {
  description = "Tags for the key."
  type        = map(string)
  default     = {}
}
