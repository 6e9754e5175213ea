variable "function_arn" {
  description = "ARN of the sg-guardian function (module.sg_guardian.function_arn), in any region."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}$", var.function_arn))
    error_message = "function_arn must be a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)."
  }
}

variable "topic_arn" {
  description = "The AmazonIpSpaceChanged topic. Keep the default; tests pass a topic of their own (in us-east-1)."
  type        = string
  default     = "arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged"

  validation {
    condition     = can(regex("^arn:aws:sns:us-east-1:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.topic_arn))
    error_message = "topic_arn must be an SNS topic ARN in us-east-1 (AmazonIpSpaceChanged is published only there)."
  }
}
