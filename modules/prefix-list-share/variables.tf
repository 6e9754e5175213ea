variable "name" {
  description = "Name of the resource share."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,128}$", var.name))
    error_message = "name must be 1-128 letters, digits, '.', '-' or '_'."
  }
}

variable "principals" {
  description = "Who may use the lists: the organization ARN, OU ARNs or account IDs (all inside the organization)."
  type        = list(string)
  nullable    = false

  validation {
    condition = length(var.principals) > 0 && alltrue([for p in var.principals : can(regex(
      "^([0-9]{12}|arn:aws(-cn|-us-gov)?:organizations::[0-9]{12}:(organization/o-[a-z0-9]{10,32}|ou/o-[a-z0-9]{10,32}/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}))$", p
    ))])
    error_message = "principals must be non-empty, each an organization ARN (arn:aws:organizations::MGMT:organization/o-...), an OU ARN (arn:aws:organizations::MGMT:ou/o-.../ou-...) or a 12-digit account ID."
  }
}

variable "prefix_list_arns" {
  description = "The prefix lists to share, by a key known at plan time (e.g. aws-ipv4)."
  type        = map(string)
  nullable    = false

  validation {
    condition     = length(var.prefix_list_arns) > 0
    error_message = "Nothing to share: sharing prefix lists needs a feed in prefix-lists mode (enable_cloudfront_feed or enable_cloudflare_feed with its *_feed_mode = \"prefix-lists\")."
  }
}

variable "tags" {
  description = "Tags for the share."
  type        = map(string)
  default     = {}
}
