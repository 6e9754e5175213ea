variable "event_names" {
  description = "CloudTrail event names that reach the drift guard."
  type        = list(string)
  default = [
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "ModifySecurityGroupRules",
  ]
  nullable = false

  validation {
    condition     = length(var.event_names) > 0 && alltrue([for n in var.event_names : contains(["AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "ModifySecurityGroupRules"], n)])
    error_message = "event_names must be a non-empty subset of the five security-group rule calls."
  }
}

variable "config_rule_name" {
  description = "Name of the world-open Config rule whose compliance changes matter; null: no Config pattern."
  type        = string
  default     = null

  validation {
    condition     = var.config_rule_name == null || can(regex("^[A-Za-z0-9._-]{1,128}$", var.config_rule_name))
    error_message = "config_rule_name must be 1-128 letters, digits, '.', '-' or '_'."
  }
}
