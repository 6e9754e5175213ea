variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name of the deployment."
  type        = string
  default     = "sg-guardian-config"
}

variable "authorized_tcp_ports" {
  description = "TCP ports that may stay open to the world (everything else open to the world is replaced)."
  type        = list(string)
  default     = ["443"]
}

variable "replacement_cidrs_ipv4" {
  description = "Office and VPN IPv4 ranges that replace 0.0.0.0/0 (documentation ranges here)."
  type        = list(string)
  default     = ["198.51.100.0/24", "203.0.113.0/24"]
}

variable "replacement_cidrs_ipv6" {
  description = "Office and VPN IPv6 ranges that replace ::/0 (documentation range here)."
  type        = list(string)
  default     = ["2001:db8::/32"]
}

variable "create_config_recorder" {
  description = "Create an AWS Config recorder for security groups (set false when the account already records)."
  type        = bool
  default     = true
}

variable "remediation_enabled" {
  description = "The remediation path (topic, role, subscription and the rule's automatic remediation); false leaves the compliance events and the sweep."
  type        = bool
  default     = true
}

variable "remediation_configuration_managed" {
  description = "Create the rule's remediation configuration (false on emulators without remediation configurations: the topic and role stay)."
  type        = bool
  default     = true
}

variable "notifications_subscriptions" {
  description = "Who hears about remediations."
  type = list(object({
    protocol             = string
    endpoint             = string
    raw_message_delivery = optional(bool, false)
    filter_policy        = optional(string)
  }))
  default = []
}
