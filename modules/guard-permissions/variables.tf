variable "security_group_arn_prefixes" {
  description = "Where the statements apply: arn:<partition>:ec2:<region>:<account>:security-group, one per account and region (\"*\" allowed for the region)."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.security_group_arn_prefixes) > 0 && alltrue([for p in var.security_group_arn_prefixes : can(regex("^arn:aws(-cn|-us-gov)?:ec2:([a-z]{2}(-[a-z]+)+-[0-9]{1,2}|\\*):[0-9]{12}:security-group$", p))])
    error_message = "security_group_arn_prefixes must be non-empty, each arn:<partition>:ec2:<region or *>:<12-digit account>:security-group."
  }
}

variable "scope" {
  description = "What the guard may change: the drift guard's groups (listed IDs, a tag, or all), the feeds' groups (names of the enabled feeds, tag enrolment and its key, listed IDs) and world-open remediation (on, optional scope tag). The root module's member_role_scope output."
  type = object({
    drift = object({
      enabled    = bool
      group_ids  = list(string)
      tag        = optional(object({ key = string, value = string }))
      all_groups = bool
    })
    feeds = object({
      names         = list(string)
      tag_enrolment = bool
      tag_key       = string
      group_ids     = list(string)
    })
    world_open = object({
      enabled   = bool
      scope_tag = optional(object({ key = string, value = string }))
    })
  })
  nullable = false

  validation {
    condition     = alltrue([for id in concat(var.scope.drift.group_ids, var.scope.feeds.group_ids) : can(regex("^sg-[0-9a-f]{8,17}$", id))])
    error_message = "scope: group IDs must look like sg-0123456789abcdef0."
  }

  validation {
    condition     = alltrue([for f in var.scope.feeds.names : contains(["aws", "cloudflare"], f)])
    error_message = "scope.feeds.names must hold only aws and cloudflare."
  }
}
