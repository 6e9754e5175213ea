variable "region" {
  description = "AWS region of the function and the origin (any: the subscription is made in us-east-1)."
  type        = string
  default     = "eu-west-1"
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
