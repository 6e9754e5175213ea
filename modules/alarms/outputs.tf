output "alarm_arns" {
  description = "ARNs of the alarms, by purpose (dead_letters, errors, throttles, failed_actions, feed_stale_<feed>)."
  value = try(merge(
    {
      dead_letters   = aws_cloudwatch_metric_alarm.dead_letters.arn
      errors         = aws_cloudwatch_metric_alarm.errors.arn
      throttles      = aws_cloudwatch_metric_alarm.throttles.arn
      failed_actions = aws_cloudwatch_metric_alarm.failed_actions.arn
    },
    { for feed, a in aws_cloudwatch_metric_alarm.feed_stale : "feed_stale_${feed}" => a.arn },
  ), {})
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard, or null."
  value       = try(aws_cloudwatch_dashboard.this[0].dashboard_name, null)
}
