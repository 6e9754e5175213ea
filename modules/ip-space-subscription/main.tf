# Subscribes the sg-guardian function to AmazonIpSpaceChanged. The topic exists only in us-east-1
# and a subscription lives in its topic's region, so the caller passes a us-east-1 provider; the
# invoke permission (sns.amazonaws.com, this topic) is created by the root module, in the function's
# region, so users without the CloudFront feed never need a second provider.
data "aws_region" "current" {}

resource "aws_sns_topic_subscription" "this" {
  topic_arn = var.topic_arn
  protocol  = "lambda"
  endpoint  = var.function_arn

  lifecycle {
    precondition {
      condition     = data.aws_region.current.id == split(":", var.topic_arn)[3]
      error_message = "modules/ip-space-subscription must run with a provider in the topic's region (us-east-1): pass providers = { aws = aws.us_east_1 }."
    }
  }
}
