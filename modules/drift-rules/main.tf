# EventBridge → Lambda for security-group API calls recorded by CloudTrail. EventBridge receives
# management events from any trail logging in the region (or the one modules/trail creates).
# The pattern is shared with the organization bus and the spokes (modules/event-patterns).
module "patterns" {
  source = "../event-patterns"

  event_names = var.event_names
}

resource "aws_cloudwatch_event_rule" "this" {
  name          = var.name
  description   = "sg-guardian: security-group rule changes (CloudTrail) to the drift guard"
  event_pattern = module.patterns.cloudtrail
  state         = var.enabled ? "ENABLED" : "DISABLED"
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "this" {
  rule      = aws_cloudwatch_event_rule.this.name
  target_id = "sg-guardian"
  arn       = var.function_arn

  retry_policy {
    maximum_event_age_in_seconds = var.maximum_event_age_in_seconds
    maximum_retry_attempts       = var.maximum_retry_attempts
  }

  dead_letter_config {
    arn = var.dead_letter_queue_arn
  }
}

resource "aws_lambda_permission" "this" {
  statement_id  = "AllowEventBridge-${var.name}"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.this.arn
}
