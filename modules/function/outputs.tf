output "function_name" {
  description = "Name of the Lambda function."
  value       = try(aws_lambda_function.this.function_name, null)
}

output "function_arn" {
  description = "ARN of the Lambda function."
  value       = try(aws_lambda_function.this.arn, null)
}

output "role_arn" {
  description = "ARN of the function's IAM role (always an allowed principal)."
  value       = try(aws_iam_role.this.arn, null)
}

output "role_name" {
  description = "Name of the function's IAM role."
  value       = try(aws_iam_role.this.name, null)
}

output "log_group_name" {
  description = "CloudWatch Logs group of the function."
  value       = try(aws_cloudwatch_log_group.this.name, null)
}

output "dead_letter_queue_arn" {
  description = "SQS queue receiving events the function failed to process."
  value       = try(aws_sqs_queue.dlq.arn, null)
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue."
  value       = try(aws_sqs_queue.dlq.url, null)
}

output "dead_letter_queue_name" {
  description = "Name of the dead-letter queue."
  value       = try(aws_sqs_queue.dlq.name, null)
}

output "metric_namespace" {
  description = "CloudWatch namespace of the function's EMF metrics (applied, ignored, failed by kind; feedInSync by feed)."
  value       = try(local.metric_namespace, null)
}
