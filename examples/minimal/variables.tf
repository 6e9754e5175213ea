variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name of the deployment."
  type        = string
  default     = "sg-guardian-minimal"
}

variable "notify_email" {
  description = "E-mail address to notify (null: no subscription)."
  type        = string
  default     = null
}
