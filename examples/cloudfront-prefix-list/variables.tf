variable "region" {
  description = "AWS region of the function and the origin (any: the subscription is made in us-east-1)."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name of the deployment."
  type        = string
  default     = "sg-guardian-cloudfront"
}

variable "ip_space_changed_topic_arn" {
  description = "The AmazonIpSpaceChanged topic (keep the default; tests pass their own)."
  type        = string
  default     = "arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged"
}

variable "cloudfront_feed_url" {
  description = "Where the function fetches ip-ranges.json."
  type        = string
  default     = "https://ip-ranges.amazonaws.com/ip-ranges.json"
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
