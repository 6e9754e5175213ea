variable "name" {
  description = "Prefix of the forwarding rules (<name>-forward-drift, <name>-forward-compliance), the forwarding role (<name>-forward-<region>) and the optional trail."
  type        = string
  default     = "sg-guardian"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,40}$", var.name))
    error_message = "name must be 1-40 letters, digits, '-' or '_'."
  }
}

variable "hub_event_bus_arn" {
  description = "The hub's organization bus (the root module's organization_event_bus_arn output)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws(-cn|-us-gov)?:events:[a-z]{2}(-[a-z]+)+-[0-9]{1,2}:[0-9]{12}:event-bus/[A-Za-z0-9._-]{1,256}$", var.hub_event_bus_arn)) && !endswith(var.hub_event_bus_arn, ":event-bus/default")
    error_message = "hub_event_bus_arn must be a custom event bus ARN (arn:aws:events:REGION:ACCOUNT:event-bus/NAME), not a default bus."
  }
}

variable "forward_cloudtrail" {
  description = "Forward the security-group API calls recorded by CloudTrail (the drift guard). Needs a trail logging management events in this region: an organization trail, or create_trail."
  type        = bool
  default     = true
  nullable    = false
}

variable "config_rule_name" {
  description = "Forward NON_COMPLIANT findings of this world-open Config rule (the hub's world_open_config_rule_name output; the rule must exist in this account, e.g. from modules/config-rule or a conformance pack). null: no Config forwarding."
  type        = string
  default     = null

  validation {
    condition     = var.config_rule_name == null || can(regex("^[A-Za-z0-9._-]{1,128}$", var.config_rule_name))
    error_message = "config_rule_name must be 1-128 letters, digits, '.', '-' or '_'."
  }
}

variable "create_member_role" {
  description = "Create the member role the hub function assumes. true in exactly one spoke per account (IAM is global)."
  type        = bool
  default     = false
  nullable    = false
}

variable "member_role_name" {
  description = "Name of the member role (the hub's organization.member_role_name)."
  type        = string
  default     = "sg-guardian-member"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.member_role_name))
    error_message = "member_role_name must be 1-64 characters of letters, digits and +=,.@_- (an IAM role name, no path)."
  }
}

variable "member_role_regions" {
  description = "Regions where the member role may change security groups (the account's regions in the hub's organization.member_accounts); null: this spoke's region only."
  type        = list(string)
  default     = null

  validation {
    condition     = var.member_role_regions == null || try(length(var.member_role_regions) > 0 && alltrue([for r in var.member_role_regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$", r))]), false)
    error_message = "member_role_regions must be null or a non-empty list of region names such as eu-west-1."
  }
}

variable "hub_function_role_arn" {
  description = "The hub function's role (the root module's function_role_arn output): the only principal the member role trusts."
  type        = string
  default     = null

  validation {
    condition     = var.hub_function_role_arn == null || can(regex("^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", var.hub_function_role_arn))
    error_message = "hub_function_role_arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)."
  }
}

variable "organization_id" {
  description = "AWS Organizations ID (o-...): the member role trusts the hub role only as a principal of this organization (aws:PrincipalOrgID)."
  type        = string
  default     = null

  validation {
    condition     = var.organization_id == null || can(regex("^o-[a-z0-9]{10,32}$", var.organization_id))
    error_message = "organization_id must look like o-a1b2c3d4e5 (o- and 10-32 lower-case letters or digits)."
  }
}

variable "external_id" {
  description = "External ID the hub passes to sts:AssumeRole (the hub's organization.external_id); the member role requires it when set."
  type        = string
  default     = null

  validation {
    condition     = var.external_id == null || try(can(regex("^[A-Za-z0-9+=,.@:/_-]+$", var.external_id)) && length(var.external_id) >= 2 && length(var.external_id) <= 1224, false)
    error_message = "external_id must be 2-1224 characters of letters, digits and +=,.@:/_-."
  }
}

variable "guard_scope" {
  description = "What the member role may change: the hub's member_role_scope output (drift guard, feeds' groups, world-open), so a member role never grants more than the hub function has at home."
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
  default = null
}

variable "create_trail" {
  description = "Create a CloudTrail trail (and its KMS key) in this account and region. Off by default: organizations usually have an organization trail, whose management events reach every member account's default bus."
  type        = bool
  default     = false
  nullable    = false
}

variable "trail_log_retention_days" {
  description = "With create_trail: days the trail's bucket keeps logs; null keeps them forever."
  type        = number
  default     = 365

  validation {
    condition     = var.trail_log_retention_days == null || try(var.trail_log_retention_days >= 1 && floor(var.trail_log_retention_days) == var.trail_log_retention_days, false)
    error_message = "trail_log_retention_days must be null or a whole number of days, at least 1."
  }
}

variable "trail_force_destroy" {
  description = "With create_trail: allow destroying the trail bucket with objects in it (tests; keep false in production)."
  type        = bool
  default     = false
  nullable    = false
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
