# World-open remediation: the managed Config rule VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS, two paths from
# its findings to the function (automatic remediation publishing the group ID to a topic the function
# subscribes to, and the faster compliance-change event), and an optional security-group-only recorder.
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id

  # The managed rule rejects an empty parameter value: a key is sent only with ports in it.
  input_parameters = merge(
    length(var.authorized_tcp_ports) == 0 ? {} : { authorizedTcpPorts = join(",", var.authorized_tcp_ports) },
    length(var.authorized_udp_ports) == 0 ? {} : { authorizedUdpPorts = join(",", var.authorized_udp_ports) },
  )

  # IAM role and EventBridge rule names stop at 64 characters: long prefixes are cut to fit.
  remediation = var.remediation_enabled

  compliance_rule_name  = "${substr(var.name, 0, 53)}-compliance"
  remediation_role_name = "${substr(var.name, 0, 52)}-remediation"
  recorder_role_name    = "${substr(var.name, 0, 55)}-recorder"
  # Bucket names are lower case and bucket_prefix stops at 37 characters.
  bucket_prefix = "${trim(substr(replace(lower(var.name), "_", "-"), 0, 29), "-")}-config-"
}

# The compliance pattern is shared with the organization bus and the spokes (modules/event-patterns).
module "patterns" {
  source = "../event-patterns"

  config_rule_name = var.config_rule_name
}

# ---- The rule ----

resource "aws_config_config_rule" "this" {
  name             = var.config_rule_name
  description      = "sg-guardian: security groups open to the world (0.0.0.0/0, ::/0) only on authorized ports"
  input_parameters = length(local.input_parameters) == 0 ? null : jsonencode(local.input_parameters)

  source {
    owner             = "AWS"
    source_identifier = "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS"
  }

  scope {
    compliance_resource_types = ["AWS::EC2::SecurityGroup"]
  }

  tags = var.tags
  # A rule needs a recording recorder; when this module creates it, it must exist first.
  depends_on = [aws_config_configuration_recorder_status.this]
}

# ---- Optional recorder: security groups only, into a hardened bucket ----

# Config writes with the recorder's role (same account), so the bucket policy only enforces TLS.
module "recorder_bucket" {
  source = "../log-bucket"
  count  = var.create_config_recorder ? 1 : 0

  name_prefix      = local.bucket_prefix
  kms_key_arn      = var.kms_key_arn
  retention_days   = var.recorder_bucket_retention_days
  object_lock_days = var.recorder_bucket_object_lock_days
  force_destroy    = var.force_destroy
  tags             = var.tags
}

data "aws_iam_policy_document" "recorder_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["config.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "recorder" {
  count = var.create_config_recorder ? 1 : 0

  name               = local.recorder_role_name
  assume_role_policy = data.aws_iam_policy_document.recorder_assume.json
  tags               = var.tags
}

# AWS_ConfigRole: the read calls the recorder makes to describe resources.
resource "aws_iam_role_policy_attachment" "recorder" {
  count = var.create_config_recorder ? 1 : 0

  role       = aws_iam_role.recorder[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWS_ConfigRole"
}

data "aws_iam_policy_document" "recorder_delivery" {
  count = var.create_config_recorder ? 1 : 0

  statement {
    sid       = "BucketAcl"
    actions   = ["s3:GetBucketAcl"]
    resources = [module.recorder_bucket[0].arn]
  }

  statement {
    sid       = "WriteSnapshots"
    actions   = ["s3:PutObject"]
    resources = ["${module.recorder_bucket[0].arn}/AWSLogs/${local.account_id}/Config/*"]
  }

  statement {
    sid       = "EncryptSnapshots"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [var.kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${data.aws_region.current.id}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "recorder" {
  count = var.create_config_recorder ? 1 : 0

  name   = "${local.recorder_role_name}-delivery"
  role   = aws_iam_role.recorder[0].id
  policy = data.aws_iam_policy_document.recorder_delivery[0].json
}

resource "aws_config_configuration_recorder" "this" {
  #checkov:skip=CKV2_AWS_48:Records security groups only, on purpose: Config bills per recorded item; record more with your own recorder.
  count = var.create_config_recorder ? 1 : 0

  name     = var.name
  role_arn = aws_iam_role.recorder[0].arn

  recording_group {
    all_supported                 = false
    include_global_resource_types = false
    resource_types                = ["AWS::EC2::SecurityGroup"]
    recording_strategy {
      use_only = "INCLUSION_BY_RESOURCE_TYPES"
    }
  }

  depends_on = [aws_iam_role_policy_attachment.recorder, aws_iam_role_policy.recorder]
}

resource "aws_config_delivery_channel" "this" {
  count = var.create_config_recorder ? 1 : 0

  name           = var.name
  s3_bucket_name = module.recorder_bucket[0].id
  s3_kms_key_arn = var.kms_key_arn

  depends_on = [aws_config_configuration_recorder.this, module.recorder_bucket]
}

resource "aws_config_configuration_recorder_status" "this" {
  #checkov:skip=CKV2_AWS_45:The recorder records security groups only, on purpose (Config bills per recorded item); record more with your own recorder.
  count = var.create_config_recorder ? 1 : 0

  name       = aws_config_configuration_recorder.this[0].name
  is_enabled = true
  depends_on = [aws_config_delivery_channel.this]
}

# ---- Remediation path: Config → SSM AWS-PublishSNSNotification → topic → function ----
# Only with remediation_enabled: without it nothing publishes here, so no topic, role or subscription.

resource "aws_sns_topic" "remediation" {
  count = local.remediation ? 1 : 0

  name              = var.name
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "remediation_topic" {
  count = local.remediation ? 1 : 0

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.remediation[0].arn]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  # A message here makes the function act on a group: nobody but the remediation may send one.
  statement {
    sid       = "DenyOtherPublishers"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.remediation[0].arn]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = [aws_iam_role.remediation[0].arn]
    }
  }

  statement {
    sid       = "RemediationPublishes"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.remediation[0].arn]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.remediation[0].arn]
    }
  }
}

resource "aws_sns_topic_policy" "remediation" {
  count = local.remediation ? 1 : 0

  arn    = aws_sns_topic.remediation[0].arn
  policy = data.aws_iam_policy_document.remediation_topic[0].json
}

data "aws_iam_policy_document" "remediation_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ssm.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# Assumed by the SSM automation the remediation starts: it can only publish to this topic.
resource "aws_iam_role" "remediation" {
  count = local.remediation ? 1 : 0

  name               = local.remediation_role_name
  assume_role_policy = data.aws_iam_policy_document.remediation_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "remediation" {
  count = local.remediation ? 1 : 0

  statement {
    sid       = "PublishRemediation"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.remediation[0].arn]
  }

  # The topic is KMS-encrypted: SNS uses the key on the publisher's behalf, and only for SNS.
  statement {
    sid       = "EncryptForTopic"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [var.kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sns.${data.aws_region.current.id}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "remediation" {
  count = local.remediation ? 1 : 0

  name   = local.remediation_role_name
  role   = aws_iam_role.remediation[0].id
  policy = data.aws_iam_policy_document.remediation[0].json
}

resource "aws_lambda_permission" "remediation" {
  count = local.remediation ? 1 : 0

  statement_id  = "AllowSns-${var.name}"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "sns.amazonaws.com"
  source_arn    = aws_sns_topic.remediation[0].arn
}

resource "aws_sns_topic_subscription" "remediation" {
  count = local.remediation ? 1 : 0

  topic_arn  = aws_sns_topic.remediation[0].arn
  protocol   = "lambda"
  endpoint   = var.function_arn
  depends_on = [aws_lambda_permission.remediation]
}

resource "aws_config_remediation_configuration" "this" {
  count = local.remediation && var.remediation_configuration_managed ? 1 : 0

  config_rule_name           = aws_config_config_rule.this.name
  resource_type              = "AWS::EC2::SecurityGroup"
  target_type                = "SSM_DOCUMENT"
  target_id                  = "AWS-PublishSNSNotification"
  automatic                  = true
  maximum_automatic_attempts = var.maximum_automatic_attempts
  retry_attempt_seconds      = var.retry_attempt_seconds

  parameter {
    name         = "AutomationAssumeRole"
    static_value = aws_iam_role.remediation[0].arn
  }
  parameter {
    name         = "TopicArn"
    static_value = aws_sns_topic.remediation[0].arn
  }
  # The function reads the group ID from the message and describes the group fresh.
  parameter {
    name           = "Message"
    resource_value = "RESOURCE_ID"
  }

  depends_on = [aws_iam_role_policy.remediation, aws_sns_topic_policy.remediation, aws_sns_topic_subscription.remediation]
}

# ---- Compliance-change path: Config → EventBridge → function (seconds, not the remediation's minutes) ----

resource "aws_cloudwatch_event_rule" "compliance" {
  count = var.compliance_events_enabled ? 1 : 0

  name          = local.compliance_rule_name
  description   = "sg-guardian: NON_COMPLIANT security groups of ${var.config_rule_name} to the world-open remediation"
  event_pattern = module.patterns.config_compliance
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "compliance" {
  count = var.compliance_events_enabled ? 1 : 0

  rule      = aws_cloudwatch_event_rule.compliance[0].name
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

resource "aws_lambda_permission" "compliance" {
  count = var.compliance_events_enabled ? 1 : 0

  statement_id  = "AllowEventBridge-${local.compliance_rule_name}"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.compliance[0].arn
}
