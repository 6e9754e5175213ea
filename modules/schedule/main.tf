# EventBridge schedule → Lambda: the periodic work (feed syncs, world-open sweep). The Lambda reads
# the Scheduled Event and runs whatever its settings enable, so one rule serves every capability.
resource "aws_cloudwatch_event_rule" "this" {
  name                = var.name
  description         = "sg-guardian: periodic feed syncs and world-open sweep"
  schedule_expression = var.schedule_expression
  state               = var.enabled ? "ENABLED" : "DISABLED"
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "this" {
  rule      = aws_cloudwatch_event_rule.this.name
  target_id = "sg-guardian"
  arn       = var.function_arn

  # A missed run is caught by the next one: retry briefly, then park it in the dead-letter queue.
  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 2
  }

  dead_letter_config {
    arn = var.dead_letter_queue_arn
  }
}

resource "aws_lambda_permission" "this" {
  statement_id  = "AllowSchedule-${var.name}"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.this.arn
}
