# The event patterns sg-guardian listens to, in one place: the default-bus rules of the hub
# (drift-rules, config-rule), the rules on the hub's organization bus (event-bus) and the spokes'
# forwarding rules (spoke) all read them from here, so a forwarded event always matches the hub.
# No resources: a pure function of its inputs.
locals {
  cloudtrail = {
    source        = ["aws.ec2"]
    "detail-type" = ["AWS API Call via CloudTrail"]
    detail = {
      eventSource = ["ec2.amazonaws.com"]
      eventName   = var.event_names
    }
  }

  config_compliance = var.config_rule_name == null ? null : {
    source        = ["aws.config"]
    "detail-type" = ["Config Rules Compliance Change"]
    detail = {
      configRuleName      = [var.config_rule_name]
      resourceType        = ["AWS::EC2::SecurityGroup"]
      newEvaluationResult = { complianceType = ["NON_COMPLIANT"] }
    }
  }
}
