variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name of the deployment."
  type        = string
  default     = "sg-guardian-cloudflare"
}

variable "cloudflare_ipv4_url" {
  description = "Cloudflare's IPv4 list."
  type        = string
  default     = "https://www.cloudflare.com/ips-v4"
}

variable "cloudflare_ipv6_url" {
  description = "Cloudflare's IPv6 list."
  type        = string
  default     = "https://www.cloudflare.com/ips-v6"
}

variable "ports" {
  description = "TCP ports opened to Cloudflare (each port counts one rule per range against the quota)."
  type        = list(number)
  default     = [443]
}

variable "notifications_subscriptions" {
  description = "Who hears about feed changes and refused feeds."
  type = list(object({
    protocol             = string
    endpoint             = string
    raw_message_delivery = optional(bool, false)
    filter_policy        = optional(string)
  }))
  default = []
}
