variable "name" {
  description = "Prefix of the list names: <name>-<feed>-ipv4 and <name>-<feed>-ipv6."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,56}$", var.name))
    error_message = "name must be 1-56 letters, digits, '-' or '_'."
  }
}

variable "feed" {
  description = "The feed whose ranges the lists hold: aws or cloudflare."
  type        = string

  validation {
    condition     = contains(["aws", "cloudflare"], var.feed)
    error_message = "feed must be aws or cloudflare."
  }
}

variable "ipv4_max_entries" {
  description = "Size of the IPv4 list; null creates none. Every security-group rule referencing the list counts this many rules against the group's quota."
  type        = number
  default     = null

  validation {
    condition     = var.ipv4_max_entries == null || try(var.ipv4_max_entries >= 1 && var.ipv4_max_entries <= 1000 && floor(var.ipv4_max_entries) == var.ipv4_max_entries, false)
    error_message = "ipv4_max_entries must be null or a whole number from 1 to 1000."
  }
}

variable "ipv6_max_entries" {
  description = "Size of the IPv6 list; null creates none. Every security-group rule referencing the list counts this many rules against the group's quota."
  type        = number
  default     = null

  validation {
    condition     = var.ipv6_max_entries == null || try(var.ipv6_max_entries >= 1 && var.ipv6_max_entries <= 1000 && floor(var.ipv6_max_entries) == var.ipv6_max_entries, false)
    error_message = "ipv6_max_entries must be null or a whole number from 1 to 1000."
  }
}

variable "tags" {
  description = "Tags for the lists (the Lambda adds none: what it applied is recorded in the state table)."
  type        = map(string)
  default     = {}
}
