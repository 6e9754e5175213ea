# What someone must look at: every failure path of sg-guardian ends in an alarm on the topic. The
# dead-letter queue holds events nothing processed; Errors and Throttles are invocations that did
# not finish; `failed` counts actions that failed (EMF, lambda-src/notify/metrics.ts); feedInSync
# says a feed reached its targets. And one dashboard with all of it.
data "aws_region" "current" {}

locals {
  actions = [var.alarm_topic_arn]
  # EMF metrics: namespace and dimensions exactly as lambda-src/handler.ts publishes them.
  emf_dimensions = { service = var.service_name }
  event_kinds    = ["cloudtrail", "ip-space-changed", "schedule", "config-remediation", "config-compliance", "config-item", "invoke"]
}

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  alarm_name          = "${var.name}-dead-letters"
  alarm_description   = "sg-guardian: events in the dead-letter queue ${var.dead_letter_queue_name} were never processed (a change may stand unreverted). See README: Operating it."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = var.dead_letter_queue_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "${var.name}-errors"
  alarm_description   = "sg-guardian: the function ${var.function_name} failed invocations (retried, then dead-lettered). See README: Operating it."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = var.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "throttles" {
  alarm_name          = "${var.name}-throttles"
  alarm_description   = "sg-guardian: invocations of ${var.function_name} were throttled (concurrency). See README: Operating it."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = var.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}

# `failed` carries the event kind as a dimension: the alarm sums every kind.
resource "aws_cloudwatch_metric_alarm" "failed_actions" {
  alarm_name          = "${var.name}-failed-actions"
  alarm_description   = "sg-guardian: planned actions failed (revert, replacement, feed sync or notification). See README: Operating it."
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags

  metric_query {
    id          = "failed"
    expression  = "SUM([${join(", ", [for i, _ in local.event_kinds : "k${i}"])}])"
    label       = "failed actions, every kind"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = local.event_kinds
    content {
      id = "k${metric_query.key}"
      metric {
        namespace   = var.metric_namespace
        metric_name = "failed"
        dimensions  = merge(local.emf_dimensions, { kind = metric_query.value })
        stat        = "Sum"
        period      = 300
      }
    }
  }
}

# A feed whose targets did not reach it for N days: refused every time (implausible, shrinking,
# unverifiable), failing, or not run at all (missing data is breaching).
resource "aws_cloudwatch_metric_alarm" "feed_stale" {
  for_each = toset(var.feeds)

  alarm_name          = "${var.name}-feed-${each.key}-stale"
  alarm_description   = "sg-guardian: the ${each.key} feed has not been applied (or confirmed unchanged) for ${var.feed_stale_days} day(s). See README: Operating it."
  namespace           = var.metric_namespace
  metric_name         = "feedInSync"
  dimensions          = merge(local.emf_dimensions, { feed = each.key })
  statistic           = "Maximum"
  period              = 86400
  evaluation_periods  = var.feed_stale_days
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
  tags                = var.tags
}

resource "aws_cloudwatch_dashboard" "this" {
  count = var.dashboard_enabled ? 1 : 0

  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = concat(
      [for i, m in ["applied", "ignored", "failed"] : {
        type   = "metric"
        x      = 8 * i
        y      = 0
        width  = 8
        height = 6
        properties = {
          title   = "${m} by kind"
          region  = data.aws_region.current.id
          stat    = "Sum"
          period  = 300
          view    = "timeSeries"
          stacked = true
          metrics = [for k in local.event_kinds : [var.metric_namespace, m, "service", var.service_name, "kind", k]]
        }
      }],
      [
        {
          type   = "metric"
          x      = 0
          y      = 6
          width  = 8
          height = 6
          properties = {
            title  = "duration (ms)"
            region = data.aws_region.current.id
            period = 300
            view   = "timeSeries"
            metrics = [
              ["AWS/Lambda", "Duration", "FunctionName", var.function_name, { stat = "Average" }],
              ["AWS/Lambda", "Duration", "FunctionName", var.function_name, { stat = "Maximum" }],
            ]
          }
        },
        {
          type   = "metric"
          x      = 8
          y      = 6
          width  = 8
          height = 6
          properties = {
            title   = "dead-letter queue depth"
            region  = data.aws_region.current.id
            stat    = "Maximum"
            period  = 300
            view    = "timeSeries"
            metrics = [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.dead_letter_queue_name]]
          }
        },
        {
          type   = "metric"
          x      = 16
          y      = 6
          width  = 8
          height = 6
          properties = {
            title  = "invocations, errors, throttles"
            region = data.aws_region.current.id
            stat   = "Sum"
            period = 300
            view   = "timeSeries"
            metrics = [
              ["AWS/Lambda", "Invocations", "FunctionName", var.function_name],
              ["AWS/Lambda", "Errors", "FunctionName", var.function_name],
              ["AWS/Lambda", "Throttles", "FunctionName", var.function_name],
            ]
          }
        },
        {
          type   = "alarm"
          x      = 0
          y      = 12
          width  = 24
          height = 3
          properties = {
            title = "sg-guardian alarms"
            alarms = concat(
              [aws_cloudwatch_metric_alarm.dead_letters.arn, aws_cloudwatch_metric_alarm.errors.arn, aws_cloudwatch_metric_alarm.throttles.arn, aws_cloudwatch_metric_alarm.failed_actions.arn],
              [for a in aws_cloudwatch_metric_alarm.feed_stale : a.arn],
            )
          }
        },
      ],
    )
  })
}
