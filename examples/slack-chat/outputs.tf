output "notifications_topic_arn" {
  description = "The topic the Slack channel subscribes to."
  value       = module.sg_guardian.notifications_topic_arn
}

output "slack_channel_configuration_arn" {
  description = "The Amazon Q Developer in chat applications channel configuration."
  value       = aws_chatbot_slack_channel_configuration.security.chat_configuration_arn
}

output "security_hub_product_arn" {
  description = "Where the findings go (null when off)."
  value       = module.sg_guardian.security_hub_product_arn
}
