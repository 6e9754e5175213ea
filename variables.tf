variable "name" {
  description = "Name of the function and prefix of every resource sg-guardian creates."
  type        = string
  default     = "sg-guardian"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,56}$", var.name))
    error_message = "name must be 1-56 letters, digits, '-' or '_'."
  }
}

variable "dry_run" {
  description = "Per capability: decide and notify (\"would revert\", \"would replace\", \"would apply\"), but change nothing, e.g. { drift_guard = true, world_open = true } for a first week while the feeds apply. Each key defaults to false."
  type = object({
    drift_guard = optional(bool, false)
    world_open  = optional(bool, false)
    feeds       = optional(bool, false)
  })
  default  = {}
  nullable = false
}

variable "kms_key_arn" {
  description = "An existing KMS key for the topic, logs, environment and queues; null creates one (with rotation)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)."
  }
}

variable "notifications_topic_arn" {
  description = "Publish to this existing SNS topic instead of creating one."
  type        = string
  default     = null

  validation {
    condition     = var.notifications_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.notifications_topic_arn))
    error_message = "notifications_topic_arn must be an SNS topic ARN."
  }
}

variable "notifications_subscriptions" {
  description = "Subscriptions to the notification topic, e.g. [{ protocol = \"email\", endpoint = \"secops@example.com\" }] (an e-mail subscription stays pending until its recipient confirms). Optional raw_message_delivery and filter_policy (JSON on kind/action/severity/group_id)."
  type = list(object({
    protocol             = string
    endpoint             = string
    raw_message_delivery = optional(bool, false)
    filter_policy        = optional(string)
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for x in var.notifications_subscriptions : contains(["email", "email-json", "https", "sqs", "lambda", "sms", "application", "firehose"], x.protocol)])
    error_message = "notifications_subscriptions protocol must be one of email, email-json, https, sqs, lambda, sms, application, firehose (plain http would send notifications in clear text)."
  }

  validation {
    condition     = alltrue([for x in var.notifications_subscriptions : x.filter_policy == null || can(jsondecode(x.filter_policy))])
    error_message = "notifications_subscriptions filter_policy must be a JSON document."
  }

  validation {
    condition     = alltrue([for s in var.notifications_subscriptions : trimspace(s.endpoint) != ""])
    error_message = "notifications_subscriptions: an endpoint is empty; give each subscription its address (e-mail, URL or ARN), or remove it."
  }

  validation {
    condition = alltrue([for s in var.notifications_subscriptions : (
      !contains(["email", "email-json"], s.protocol) || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", s.endpoint))) && (
      !contains(["sqs", "lambda", "firehose", "application"], s.protocol) || startswith(s.endpoint, "arn:")) && (
      s.protocol != "https" || startswith(s.endpoint, "https://")
    )])
    error_message = "notifications_subscriptions: an endpoint does not fit its protocol (email: an address like secops@example.com; sqs, lambda, firehose, application: an ARN; https: an https:// URL)."
  }
}

variable "enable_drift_guard" {
  description = "Revert unauthorized security-group rule changes (CloudTrail → EventBridge → Lambda). Needs a scope: drift_guarded_group_ids, drift_guard_tag or drift_guard_all_groups."
  type        = bool
  default     = false
}

variable "drift_guarded_group_ids" {
  description = "Security groups the drift guard protects, by ID (combine with drift_guard_tag; at least one of them, or drift_guard_all_groups)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.drift_guarded_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", id))])
    error_message = "drift_guarded_group_ids must hold security group IDs like sg-0123456789abcdef0."
  }
}

variable "drift_guard_tag" {
  description = "Guard every security group carrying this tag, e.g. { key = \"sg-guardian:guard\", value = \"true\" }. IAM is scoped with aws:ResourceTag."
  type = object({
    key   = string
    value = string
  })
  default = null

  validation {
    condition     = var.drift_guard_tag == null || try(length(var.drift_guard_tag.key) > 0 && length(var.drift_guard_tag.key) <= 128 && length(var.drift_guard_tag.value) <= 256, false)
    error_message = "drift_guard_tag.key must be 1-128 characters and value at most 256."
  }
}

variable "drift_guard_all_groups" {
  description = "Guard every security group in the region (explicit opt-in; gives the function revert rights on all groups)."
  type        = bool
  default     = false
}

variable "drift_guard_egress" {
  description = "Also revert outbound (egress) rule changes."
  type        = bool
  default     = true
}

variable "drift_allowed_principal_arns" {
  description = "Principals whose changes stand: ARN glob patterns (* and ?) over the caller, or the role of an assumed-role session, e.g. arn:aws:iam::123456789012:role/ci-*. The function's own role is always allowed."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.drift_allowed_principal_arns : startswith(p, "arn:")])
    error_message = "drift_allowed_principal_arns entries must be ARN patterns starting with arn:."
  }
}

variable "drift_waivers" {
  description = "Time-boxed exceptions to the drift guard: an unauthorized rule that exactly matches a waiver (group, direction, protocol, ports, source) stands until `expires` (RFC 3339); then the next sweep reverts it and notifies \"waiver expired\". Source: a CIDR, a prefix list ID or a security group ID. World-open remediation does not honour waivers. Example: [{ group_id = \"sg-0123456789abcdef0\", protocol = \"tcp\", from_port = 8443, to_port = 8443, source = \"198.51.100.7/32\", expires = \"2026-12-31T18:00:00Z\", reason = \"vendor debugging, CHG-1234\", owner = \"alice@example.com\" }]."
  type = list(object({
    group_id  = string
    direction = optional(string, "ingress")
    protocol  = string
    from_port = optional(number)
    to_port   = optional(number)
    source    = string
    expires   = string
    reason    = string
    owner     = string
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for w in var.drift_waivers : can(regex("^sg-[0-9a-f]{8,17}$", w.group_id))])
    error_message = "drift_waivers group_id must be a security group ID like sg-0123456789abcdef0."
  }

  validation {
    condition     = alltrue([for w in var.drift_waivers : contains(["ingress", "egress"], w.direction)])
    error_message = "drift_waivers direction must be ingress or egress."
  }

  validation {
    condition     = alltrue([for w in var.drift_waivers : contains(["tcp", "udp", "icmp", "icmpv6", "-1"], lower(w.protocol)) || can(regex("^[0-9]{1,3}$", w.protocol)) && try(tonumber(w.protocol) <= 255, false)])
    error_message = "drift_waivers protocol must be tcp, udp, icmp, icmpv6, -1 (all traffic) or a protocol number 0-255."
  }

  validation {
    condition = alltrue([for w in var.drift_waivers : (
      !contains(["tcp", "udp"], lower(w.protocol)) || try(w.from_port >= 0 && w.from_port <= w.to_port && w.to_port <= 65535 && floor(w.from_port) == w.from_port && floor(w.to_port) == w.to_port, false)) && (
      lower(w.protocol) != "-1" || (w.from_port == null && w.to_port == null)
    )])
    error_message = "drift_waivers ports: tcp and udp need whole from_port <= to_port within 0-65535 (a single port: both the same); protocol -1 takes none."
  }

  validation {
    condition     = alltrue([for w in var.drift_waivers : can(cidrhost(w.source, 0)) || can(regex("^pl-[0-9a-f]{8,17}$", w.source)) || can(regex("^sg-[0-9a-f]{8,17}$", w.source))])
    error_message = "drift_waivers source must be a CIDR (198.51.100.7/32, 2001:db8::/64), a prefix list ID (pl-...) or a security group ID (sg-...)."
  }

  validation {
    condition     = alltrue([for w in var.drift_waivers : can(timecmp(w.expires, "2000-01-01T00:00:00Z"))])
    error_message = "drift_waivers expires must be an RFC 3339 time with a zone, e.g. 2026-12-31T18:00:00Z."
  }

  validation {
    condition     = alltrue([for w in var.drift_waivers : !can(timecmp(w.expires, "2000-01-01T00:00:00Z")) || try(timecmp(w.expires, plantimestamp()) > 0, true)])
    error_message = "drift_waivers: a waiver has already expired (expires is in the past): extend it or remove it; an expired waiver would be reverted on the next sweep anyway."
  }

  validation {
    condition     = alltrue([for w in var.drift_waivers : trimspace(w.reason) != "" && trimspace(w.owner) != ""])
    error_message = "drift_waivers reason and owner must not be empty: every exception says why it exists and who answers for it."
  }

  validation {
    # The waivers travel in SG_GUARDIAN_CONFIG, and Lambda allows 4 KB for all environment variables together.
    condition     = length(jsonencode(var.drift_waivers)) <= 2000
    error_message = "drift_waivers are too long for the function's environment (Lambda allows 4 KB for all its variables, shared with the other settings): keep waivers few, with short reasons (a ticket ID), at most about 2,000 characters of JSON in all."
  }
}

variable "drift_event_retry_attempts" {
  description = "EventBridge delivery retries to the function before the dead-letter queue."
  type        = number
  default     = 8

  validation {
    condition     = var.drift_event_retry_attempts >= 0 && var.drift_event_retry_attempts <= 185 && floor(var.drift_event_retry_attempts) == var.drift_event_retry_attempts
    error_message = "drift_event_retry_attempts must be a whole number from 0 to 185 (EventBridge's limit)."
  }
}

variable "drift_event_max_age_seconds" {
  description = "How long EventBridge retries delivering a change event."
  type        = number
  default     = 3600

  validation {
    condition     = var.drift_event_max_age_seconds >= 60 && var.drift_event_max_age_seconds <= 86400 && floor(var.drift_event_max_age_seconds) == var.drift_event_max_age_seconds
    error_message = "drift_event_max_age_seconds must be a whole number from 60 to 86400 (EventBridge's limits)."
  }
}

variable "create_trail" {
  description = "Create a CloudTrail trail (management events) with a hardened S3 bucket. Leave false when a trail already logs this region: EventBridge sees its events."
  type        = bool
  default     = false
}

variable "trail_enable_logging" {
  description = "Whether the created trail logs (false keeps it deployed but stopped)."
  type        = bool
  default     = true
}

variable "trail_cloudwatch_logs_enabled" {
  description = "Also deliver the created trail to a KMS-encrypted CloudWatch Logs group."
  type        = bool
  default     = false
}

variable "audit_log_retention_days" {
  description = "How long the audit logs are kept: objects in the created trail and Config buckets and the trail's CloudWatch Logs group. null keeps them forever. Independent of lambda_log_retention_days."
  type        = number
  default     = 365

  validation {
    condition     = var.audit_log_retention_days == null || contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], coalesce(var.audit_log_retention_days, 0))
    error_message = "audit_log_retention_days must be null or a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ..., 365, 400, 545, 731, 1096, 1827, ..., 3653)."
  }
}

variable "audit_object_lock_days" {
  description = "S3 Object Lock in governance mode for this many days on every object of the created trail and Config buckets (deleting or overwriting one early needs s3:BypassGovernanceRetention); null: no lock. Set it when the buckets are created: enabling it later replaces them."
  type        = number
  default     = null

  validation {
    condition     = var.audit_object_lock_days == null || try(var.audit_object_lock_days >= 1 && var.audit_object_lock_days <= 36500 && floor(var.audit_object_lock_days) == var.audit_object_lock_days, false)
    error_message = "audit_object_lock_days must be null or a whole number of days from 1 to 36500."
  }
}

variable "lambda_runtime" {
  description = "Lambda runtime (Node.js 20 or newer)."
  type        = string
  default     = "nodejs22.x"

  validation {
    condition     = contains(["nodejs20.x", "nodejs22.x"], var.lambda_runtime)
    error_message = "lambda_runtime must be nodejs20.x or nodejs22.x (the bundle targets Node.js 20; newer runtimes once tested)."
  }
}

variable "lambda_architecture" {
  description = "Lambda architecture: arm64 or x86_64."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture must be arm64 or x86_64."
  }
}

variable "lambda_memory_size" {
  description = "Lambda memory in MB."
  type        = number
  default     = 256

  validation {
    condition     = var.lambda_memory_size >= 128 && var.lambda_memory_size <= 10240 && floor(var.lambda_memory_size) == var.lambda_memory_size
    error_message = "lambda_memory_size must be a whole number of MB from 128 to 10240."
  }
}

variable "lambda_timeout" {
  description = "Lambda timeout in seconds."
  type        = number
  default     = 120

  validation {
    condition     = var.lambda_timeout >= 10 && var.lambda_timeout <= 900 && floor(var.lambda_timeout) == var.lambda_timeout
    error_message = "lambda_timeout must be a whole number of seconds from 10 to 900."
  }
}

variable "lambda_reserved_concurrency" {
  description = "Reserved concurrency for the function; null leaves it unreserved."
  type        = number
  default     = null

  validation {
    condition     = var.lambda_reserved_concurrency == null || try(var.lambda_reserved_concurrency >= 1 && floor(var.lambda_reserved_concurrency) == var.lambda_reserved_concurrency, false)
    error_message = "lambda_reserved_concurrency must be null or a whole number, at least 1 (0 would disable the guard)."
  }
}

variable "force_destroy_buckets" {
  description = "Let terraform destroy delete the created trail and Config buckets with the logs in them (uninstall). Leave false in production: the logs are your audit trail."
  type        = bool
  default     = false
  nullable    = false
}

variable "state_table_deletion_protection" {
  description = "Deletion protection on the desired-state DynamoDB table (baselines, feed records, event ledger). Turn it off before a destroy."
  type        = bool
  default     = true
}

variable "state_grace_seconds" {
  description = "How long the reconcile sweep lets a difference between a guarded group and its baseline stand unexplained (CloudTrail delivers within minutes) before it reconciles it as a missed event."
  type        = number
  default     = 900

  validation {
    condition     = var.state_grace_seconds >= 60 && var.state_grace_seconds <= 86400 && floor(var.state_grace_seconds) == var.state_grace_seconds
    error_message = "state_grace_seconds must be a whole number of seconds from 60 to 86400."
  }
}

variable "lambda_log_retention_days" {
  description = "Retention of the function's CloudWatch Logs, in days (the audit buckets have their own: audit_log_retention_days)."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.lambda_log_retention_days)
    error_message = "lambda_log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ..., 365, ..., 3653)."
  }
}

variable "lambda_tracing_mode" {
  description = "X-Ray tracing mode: Active or PassThrough."
  type        = string
  default     = "Active"

  validation {
    condition     = contains(["Active", "PassThrough"], var.lambda_tracing_mode)
    error_message = "lambda_tracing_mode must be Active or PassThrough."
  }
}

variable "schedule_expression" {
  description = "When the periodic work runs (the Cloudflare feed sync, the AWS feed safety-net sync, the world-open sweep): an EventBridge rate() or cron() expression. Created only when something needs it."
  type        = string
  default     = "rate(1 day)"

  validation {
    condition     = can(regex("^(rate\\(\\d+ (minute|minutes|hour|hours|day|days)\\)|cron\\(.+\\))$", var.schedule_expression))
    error_message = "schedule_expression must be an EventBridge rate(...) or cron(...) expression, e.g. \"rate(1 day)\"."
  }
}

# ---- CDN allow-lists (feeds) ----

variable "enable_cloudfront_feed" {
  description = "Keep CloudFront's ranges (AWS ip-ranges.json, on AmazonIpSpaceChanged) in the feed targets. Also call modules/ip-space-subscription with a us-east-1 provider."
  type        = bool
  default     = false
}

variable "cloudfront_feed_services" {
  description = "ip-ranges.json service names to select, exactly as the file spells them (CLOUDFRONT_ORIGIN_FACING: 46 IPv4 / 3 IPv6 today; all of CLOUDFRONT: 211 / 32)."
  type        = list(string)
  default     = ["CLOUDFRONT_ORIGIN_FACING"]

  # The service names ip-ranges.json publishes (2024-07); lambda-src/feeds/aws-ip-ranges.ts KNOWN_AWS_SERVICES is the same list.
  validation {
    condition = length(var.cloudfront_feed_services) > 0 && alltrue([for s in var.cloudfront_feed_services : contains([
      "AMAZON", "AMAZON_APPFLOW", "AMAZON_CONNECT", "API_GATEWAY", "CHIME_MEETINGS", "CHIME_VOICECONNECTOR", "CLOUD9", "CLOUDFRONT",
      "CLOUDFRONT_ORIGIN_FACING", "CODEBUILD", "DYNAMODB", "EBS", "EC2", "EC2_INSTANCE_CONNECT", "GLOBALACCELERATOR", "IVS_REALTIME",
      "KINESIS_VIDEO_STREAMS", "MEDIA_PACKAGE_V2", "ROUTE53", "ROUTE53_HEALTHCHECKS", "ROUTE53_HEALTHCHECKS_PUBLISHING", "ROUTE53_RESOLVER", "S3",
      "WORKSPACES_GATEWAYS",
    ], s)])
    error_message = "cloudfront_feed_services must hold at least one service name exactly as ip-ranges.json spells it: CLOUDFRONT_ORIGIN_FACING (the default) or CLOUDFRONT for CloudFront; also AMAZON, API_GATEWAY, EC2, S3, ROUTE53_HEALTHCHECKS, GLOBALACCELERATOR, ... (see variables.tf)."
  }
}

variable "cloudfront_feed_regions" {
  description = "Only ranges of these ip-ranges.json regions (e.g. GLOBAL, us-east-1); null selects all."
  type        = list(string)
  default     = null

  validation {
    condition     = var.cloudfront_feed_regions == null || try(length(var.cloudfront_feed_regions) > 0 && alltrue([for r in var.cloudfront_feed_regions : can(regex("^(GLOBAL|[a-z]{2}(-[a-z]+)+-[0-9]+)$", r))]), false)
    error_message = "cloudfront_feed_regions must be null or a non-empty list of region names or GLOBAL."
  }
}

variable "cloudfront_feed_network_border_groups" {
  description = "Only ranges of these network border groups (e.g. us-east-1); null selects all."
  type        = list(string)
  default     = null

  validation {
    condition     = var.cloudfront_feed_network_border_groups == null || try(length(var.cloudfront_feed_network_border_groups) > 0 && alltrue([for g in var.cloudfront_feed_network_border_groups : length(g) > 0]), false)
    error_message = "cloudfront_feed_network_border_groups must be null or a non-empty list of non-empty names."
  }
}

variable "cloudfront_feed_url" {
  description = "Where the function fetches ip-ranges.json (the notice's own url is not trusted: anyone allowed to invoke could forge it)."
  type        = string
  default     = "https://ip-ranges.amazonaws.com/ip-ranges.json"

  validation {
    condition     = can(regex("^(https://[^\\s/]+|http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]{1,5})?)(/\\S*)?$", var.cloudfront_feed_url))
    error_message = "cloudfront_feed_url must be an https:// URL (http:// only for 127.0.0.1, localhost or [::1])."
  }
}

variable "cloudfront_feed_sync_on_schedule" {
  description = "Also sync the CloudFront feed on schedule_expression: a cheap safety net for a missed AmazonIpSpaceChanged notice."
  type        = bool
  default     = true
}

variable "ip_space_changed_topic_arn" {
  description = "The AmazonIpSpaceChanged topic allowed to invoke the function (pass the same to modules/ip-space-subscription). Keep the default outside tests."
  type        = string
  default     = "arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged"

  validation {
    condition     = can(regex("^arn:aws:sns:us-east-1:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.ip_space_changed_topic_arn))
    error_message = "ip_space_changed_topic_arn must be an SNS topic ARN in us-east-1 (AmazonIpSpaceChanged is published only there)."
  }
}

variable "enable_cloudflare_feed" {
  description = "Keep Cloudflare's published ranges in the feed targets, synced on schedule_expression."
  type        = bool
  default     = false
}

variable "cloudflare_ipv4_url" {
  description = "Cloudflare's IPv4 list (text, one CIDR a line)."
  type        = string
  default     = "https://www.cloudflare.com/ips-v4"

  validation {
    condition     = can(regex("^(https://[^\\s/]+|http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]{1,5})?)(/\\S*)?$", var.cloudflare_ipv4_url))
    error_message = "cloudflare_ipv4_url must be an https:// URL (http:// only for 127.0.0.1, localhost or [::1])."
  }
}

variable "cloudflare_ipv6_url" {
  description = "Cloudflare's IPv6 list (text, one CIDR a line)."
  type        = string
  default     = "https://www.cloudflare.com/ips-v6"

  validation {
    condition     = can(regex("^(https://[^\\s/]+|http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]{1,5})?)(/\\S*)?$", var.cloudflare_ipv6_url))
    error_message = "cloudflare_ipv6_url must be an https:// URL (http:// only for 127.0.0.1, localhost or [::1])."
  }
}

variable "cloudflare_api_url" {
  description = "Cloudflare's JSON API (e.g. https://api.cloudflare.com/client/v4/ips): one request instead of the two text lists; null uses the lists."
  type        = string
  default     = null

  validation {
    condition     = var.cloudflare_api_url == null || can(regex("^(https://[^\\s/]+|http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]{1,5})?)(/\\S*)?$", var.cloudflare_api_url))
    error_message = "cloudflare_api_url must be null or an https:// URL (http:// only for 127.0.0.1, localhost or [::1])."
  }
}

variable "cloudfront_feed_mode" {
  description = "Where the CloudFront feed goes: \"prefix-lists\" (the module creates an IPv4 and an IPv6 list, cloudfront_prefix_list_ids, for your rules to reference) or \"security-groups\" (rules kept in the groups of feed_security_group_ids.aws and those tagged feed_tag_key = aws). Tagged groups receive the feed in either mode."
  type        = string
  default     = "prefix-lists"
  nullable    = false

  validation {
    condition     = contains(["prefix-lists", "security-groups"], var.cloudfront_feed_mode)
    error_message = "cloudfront_feed_mode must be \"prefix-lists\" or \"security-groups\"."
  }
}

variable "cloudflare_feed_mode" {
  description = "Where the Cloudflare feed goes: \"prefix-lists\" (the module creates an IPv4 and an IPv6 list, cloudflare_prefix_list_ids) or \"security-groups\" (rules kept in the groups of feed_security_group_ids.cloudflare and those tagged feed_tag_key = cloudflare). Tagged groups receive the feed in either mode."
  type        = string
  default     = "prefix-lists"
  nullable    = false

  validation {
    condition     = contains(["prefix-lists", "security-groups"], var.cloudflare_feed_mode)
    error_message = "cloudflare_feed_mode must be \"prefix-lists\" or \"security-groups\"."
  }
}

variable "feed_prefix_list_max_entries" {
  description = "max_entries of the created prefix lists, per feed and family (0: no list for that family). Every security-group rule referencing a list counts max_entries rules against the group's rules quota (60 by default), however few entries the list holds: size with headroom, not more."
  type = object({
    aws = optional(object({
      ipv4 = optional(number, 55)
      ipv6 = optional(number, 20)
    }), {})
    cloudflare = optional(object({
      ipv4 = optional(number, 30)
      ipv6 = optional(number, 15)
    }), {})
  })
  default = {}

  validation {
    condition = alltrue(flatten([for feed in [var.feed_prefix_list_max_entries.aws, var.feed_prefix_list_max_entries.cloudflare] : [
      for n in [feed.ipv4, feed.ipv6] : n >= 0 && n <= 1000 && floor(n) == n
    ]]))
    error_message = "feed_prefix_list_max_entries values must be whole numbers from 0 (no list) to 1000."
  }
}

variable "feed_security_group_ids" {
  description = "Security-group mode: the groups the function keeps exact per feed, by ID: the feed's only group targets unless feed_tag_enrolment is on."
  type = object({
    aws        = optional(list(string), [])
    cloudflare = optional(list(string), [])
  })
  default = {}

  validation {
    condition     = alltrue([for id in concat(var.feed_security_group_ids.aws, var.feed_security_group_ids.cloudflare) : can(regex("^sg-[0-9a-f]{8,17}$", id))])
    error_message = "feed_security_group_ids must hold security group IDs like sg-0123456789abcdef0."
  }
}

variable "feed_tag_enrolment" {
  description = "Security-group mode, opt-in: also give a feed's rules to groups tagged feed_tag_key = aws or cloudflare (IAM then allows rule changes on groups carrying that tag). Whoever can tag can then enrol a group; a tagged group the drift guard guards is skipped and reported. Off: only feed_security_group_ids."
  type        = bool
  default     = false
}

variable "feed_tag_key" {
  description = "Security-group mode with feed_tag_enrolment on: groups tagged with this key and the value aws or cloudflare receive that feed's rules (IAM is scoped with aws:ResourceTag on it)."
  type        = string
  default     = "sg-guardian:feed"

  validation {
    condition     = length(var.feed_tag_key) >= 1 && length(var.feed_tag_key) <= 128 && !startswith(lower(var.feed_tag_key), "aws:")
    error_message = "feed_tag_key must be 1-128 characters and must not start with aws:."
  }
}

variable "feed_ports" {
  description = "Security-group mode: TCP ports opened to the feed's ranges in every target group (no tag overrides them)."
  type        = list(number)
  default     = [443]

  validation {
    condition     = length(var.feed_ports) > 0 && length(distinct(var.feed_ports)) == length(var.feed_ports) && alltrue([for p in var.feed_ports : p >= 1 && p <= 65535 && floor(p) == p])
    error_message = "feed_ports must be a non-empty list of distinct ports from 1 to 65535."
  }
}

variable "feed_rules_per_group_quota" {
  description = "Security-group mode: inbound rules per group (your account's quota; IPv4 and IPv6 count separately). Past it, the feed is spread over the feed's groups in the same VPC (their sg-guardian:shard tag orders them)."
  type        = number
  default     = 60

  validation {
    condition     = var.feed_rules_per_group_quota >= 1 && var.feed_rules_per_group_quota <= 1000 && floor(var.feed_rules_per_group_quota) == var.feed_rules_per_group_quota
    error_message = "feed_rules_per_group_quota must be a whole number from 1 to 1000."
  }
}

variable "feed_max_shrink_percent" {
  description = "Refuse (apply nothing, notify) a feed that would shrink a target by more than this percentage: a truncated or wrong feed looks like that."
  type        = number
  default     = 30

  validation {
    condition     = var.feed_max_shrink_percent >= 0 && var.feed_max_shrink_percent <= 100
    error_message = "feed_max_shrink_percent must be between 0 and 100."
  }
}

# ---- World-open remediation ----

variable "enable_world_open_remediation" {
  description = "Replace world-open ingress (0.0.0.0/0, ::/0 on ports not authorized) with the replacement CIDRs: AWS Config rule VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS → remediation / compliance events → function, plus a scheduled sweep."
  type        = bool
  default     = false
}

variable "world_open_authorized_tcp_ports" {
  description = "TCP ports that may stay open to the world: \"443\" or \"1020-1025\", one per element (the Config rule's authorizedTcpPorts)."
  type        = list(string)
  default     = ["443"]

  validation {
    condition = alltrue([for p in var.world_open_authorized_tcp_ports : try(
      can(regex("^[0-9]{1,5}(-[0-9]{1,5})?$", p)) &&
      tonumber(split("-", p)[0]) <= tonumber(reverse(split("-", p))[0]) &&
      tonumber(reverse(split("-", p))[0]) <= 65535
    , false)])
    error_message = "world_open_authorized_tcp_ports must hold ports \"N\" or ranges \"N-M\" (N <= M) within 0-65535, one per element, e.g. [\"443\", \"8080-8081\"]."
  }
}

variable "world_open_authorized_udp_ports" {
  description = "UDP ports that may stay open to the world, in the same form as world_open_authorized_tcp_ports."
  type        = list(string)
  default     = []

  validation {
    condition = alltrue([for p in var.world_open_authorized_udp_ports : try(
      can(regex("^[0-9]{1,5}(-[0-9]{1,5})?$", p)) &&
      tonumber(split("-", p)[0]) <= tonumber(reverse(split("-", p))[0]) &&
      tonumber(reverse(split("-", p))[0]) <= 65535
    , false)])
    error_message = "world_open_authorized_udp_ports must hold ports \"N\" or ranges \"N-M\" (N <= M) within 0-65535, one per element, e.g. [\"500\", \"4500\"]."
  }
}

variable "world_open_replacement_cidrs_ipv4" {
  description = "What a world-open IPv4 source is replaced with (same protocol and ports), e.g. office and VPN ranges. Empty: the world-open rule is only revoked."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.world_open_replacement_cidrs_ipv4 : can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$", c)) && try(cidrhost(c, 0) == split("/", c)[0], false)])
    error_message = "world_open_replacement_cidrs_ipv4 must hold IPv4 network CIDRs like 198.51.100.0/24 (no host bits set after the prefix)."
  }

  validation {
    condition     = alltrue([for c in var.world_open_replacement_cidrs_ipv4 : try(tonumber(split("/", c)[1]) > 0, true)])
    error_message = "world_open_replacement_cidrs_ipv4 must not contain a /0: a replacement must be narrower than the world."
  }
}

variable "world_open_replacement_cidrs_ipv6" {
  description = "What a world-open IPv6 source is replaced with, e.g. 2001:db8::/32. Empty: the world-open rule is only revoked."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.world_open_replacement_cidrs_ipv6 : can(regex("^[0-9A-Fa-f:]*:[0-9A-Fa-f:]*/[0-9]{1,3}$", c)) && try(cidrhost(c, 0) == cidrhost("${split("/", c)[0]}/128", 0), false)])
    error_message = "world_open_replacement_cidrs_ipv6 must hold IPv6 network CIDRs like 2001:db8::/32 (no host bits set after the prefix)."
  }

  validation {
    condition     = alltrue([for c in var.world_open_replacement_cidrs_ipv6 : try(tonumber(split("/", c)[1]) > 0, true)])
    error_message = "world_open_replacement_cidrs_ipv6 must not contain a /0: a replacement must be narrower than the world."
  }
}

variable "world_open_min_prefix_length_ipv4" {
  description = "Also treat IPv4 sources with a prefix shorter than this as world-open (e.g. 8 flags 0.0.0.0/1 ... /7); null: only /0."
  type        = number
  default     = null

  validation {
    condition     = var.world_open_min_prefix_length_ipv4 == null || try(var.world_open_min_prefix_length_ipv4 >= 0 && var.world_open_min_prefix_length_ipv4 <= 32 && floor(var.world_open_min_prefix_length_ipv4) == var.world_open_min_prefix_length_ipv4, false)
    error_message = "world_open_min_prefix_length_ipv4 must be null or a whole number between 0 and 32."
  }
}

variable "world_open_min_prefix_length_ipv6" {
  description = "Also treat IPv6 sources with a prefix shorter than this as world-open; null: only /0."
  type        = number
  default     = null

  validation {
    condition     = var.world_open_min_prefix_length_ipv6 == null || try(var.world_open_min_prefix_length_ipv6 >= 0 && var.world_open_min_prefix_length_ipv6 <= 128 && floor(var.world_open_min_prefix_length_ipv6) == var.world_open_min_prefix_length_ipv6, false)
    error_message = "world_open_min_prefix_length_ipv6 must be null or a whole number between 0 and 128."
  }
}

variable "world_open_scope_tag" {
  description = "Remediate only groups carrying this tag, e.g. { key = \"sg-guardian:world-open\", value = \"remediate\" }; null: every group. IAM is scoped with aws:ResourceTag."
  type = object({
    key   = string
    value = string
  })
  default = null

  validation {
    condition     = var.world_open_scope_tag == null || try(length(var.world_open_scope_tag.key) > 0 && length(var.world_open_scope_tag.key) <= 128 && length(var.world_open_scope_tag.value) <= 256, false)
    error_message = "world_open_scope_tag.key must be 1-128 characters and value at most 256."
  }
}

variable "world_open_excluded_group_ids" {
  description = "Groups that may stay world-open (e.g. a public load balancer's): never remediated."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.world_open_excluded_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", id))])
    error_message = "world_open_excluded_group_ids must hold security group IDs like sg-0123456789abcdef0."
  }
}

variable "world_open_config_rule_name" {
  description = "Name of the AWS Config rule; null: \"<name>-sg-open-only-to-authorized-ports\"."
  type        = string
  default     = null

  validation {
    condition     = var.world_open_config_rule_name == null || can(regex("^[A-Za-z0-9._-]{1,128}$", var.world_open_config_rule_name))
    error_message = "world_open_config_rule_name must be null or 1-128 letters, digits, '.', '-' or '_'."
  }
}

variable "create_config_recorder" {
  description = "With world-open remediation: create an AWS Config recorder (security groups only), delivery channel and hardened bucket. Config allows one recorder per region: leave false when the account has one."
  type        = bool
  default     = false
}

variable "world_open_remediation_enabled" {
  description = "The automatic remediation path: the Config rule's remediation (SSM AWS-PublishSNSNotification), the KMS-encrypted topic it publishes to, its role and the function's subscription. false creates none of them (compliance events and the sweep still work)."
  type        = bool
  default     = true
}

variable "world_open_compliance_events_enabled" {
  description = "Also send the rule's NON_COMPLIANT compliance changes to the function through EventBridge (seconds, instead of the remediation's minutes)."
  type        = bool
  default     = true
}

variable "world_open_sweep" {
  description = "On the schedule (schedule_expression), also sweep every group in scope, catching a missed Config finding."
  type        = bool
  default     = true
}

variable "world_open_remediation_max_attempts" {
  description = "How many times Config retries a failed automatic remediation within world_open_remediation_retry_seconds."
  type        = number
  default     = 5

  validation {
    condition     = var.world_open_remediation_max_attempts >= 1 && var.world_open_remediation_max_attempts <= 25 && floor(var.world_open_remediation_max_attempts) == var.world_open_remediation_max_attempts
    error_message = "world_open_remediation_max_attempts must be a whole number between 1 and 25."
  }
}

variable "world_open_remediation_retry_seconds" {
  description = "The window, in seconds, for world_open_remediation_max_attempts."
  type        = number
  default     = 60

  validation {
    condition     = var.world_open_remediation_retry_seconds >= 1 && var.world_open_remediation_retry_seconds <= 2678000 && floor(var.world_open_remediation_retry_seconds) == var.world_open_remediation_retry_seconds
    error_message = "world_open_remediation_retry_seconds must be a whole number between 1 and 2678000."
  }
}

variable "notifications_publisher_arns" {
  description = "IAM roles or users (exact ARNs) that may publish to the created notification topic besides the function's role; every other principal is denied, so nobody else can send a fake \"reverted\"."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.notifications_publisher_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$", a))])
    error_message = "notifications_publisher_arns must be exact IAM role or user ARNs (no wildcards)."
  }
}

variable "enable_security_hub_findings" {
  description = "Also report every revert, world-open replacement, refused feed and missed event as an AWS Security Hub finding (ASFF, BatchImportFindings into the account's default product), updated in place on replays and resolved when the group is back at its desired state. Security Hub must be enabled in the account and region. Off: no Security Hub permission at all."
  type        = bool
  default     = false
  nullable    = false
}

variable "security_hub_product_arn" {
  description = "The product findings are imported under; null uses the account's default product in this region (arn:PARTITION:securityhub:REGION:ACCOUNT:product/ACCOUNT/default), the only one a function may import into for its own account."
  type        = string
  default     = null

  validation {
    condition     = var.security_hub_product_arn == null || can(regex("^arn:aws[a-z-]*:securityhub:[a-z0-9-]+:([0-9]{12}):product/([0-9]{12})/default$", var.security_hub_product_arn))
    error_message = "security_hub_product_arn must be an account's default product ARN: arn:aws:securityhub:REGION:ACCOUNT:product/ACCOUNT/default."
  }
}

variable "enable_alarms" {
  description = "CloudWatch alarms on the dead-letter queue, function errors and throttles, failed actions, and (per enabled feed) a feed not applied for alarm_feed_stale_days. See README: Operating it."
  type        = bool
  default     = true
}

variable "alarm_topic_arn" {
  description = "SNS topic the alarms notify (and their return to OK); null uses the notification topic (its policy then admits this module's alarms only)."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN."
  }
}

variable "alarm_feed_stale_days" {
  description = "Alarm when an enabled feed has not reached its targets (applied, or confirmed unchanged) for this many consecutive days: refused each time, failing, or not run. 1-7."
  type        = number
  default     = 3

  validation {
    condition     = var.alarm_feed_stale_days >= 1 && var.alarm_feed_stale_days <= 7 && floor(var.alarm_feed_stale_days) == var.alarm_feed_stale_days
    error_message = "alarm_feed_stale_days must be a whole number from 1 to 7 (CloudWatch evaluates at most 7 days)."
  }
}

variable "enable_dashboard" {
  description = "With enable_alarms: a CloudWatch dashboard of applied / ignored / failed by event kind, duration, dead-letter depth and the alarms."
  type        = bool
  default     = true
}

variable "feed_min_prefix_length" {
  description = "Plausibility floor of the feeds: a feed holding a range shorter than this (per family) is refused whole — nothing applied, one high-severity notification. Non-public ranges (private, loopback, link-local, CGNAT, multicast, documentation, unique-local) and default routes are always refused."
  type = object({
    ipv4 = optional(number, 8)
    ipv6 = optional(number, 16)
  })
  default = {}

  validation {
    condition     = var.feed_min_prefix_length.ipv4 >= 1 && var.feed_min_prefix_length.ipv4 <= 32 && floor(var.feed_min_prefix_length.ipv4) == var.feed_min_prefix_length.ipv4
    error_message = "feed_min_prefix_length.ipv4 must be a whole number from 1 to 32 (0 would admit a default route)."
  }

  validation {
    condition     = var.feed_min_prefix_length.ipv6 >= 1 && var.feed_min_prefix_length.ipv6 <= 128 && floor(var.feed_min_prefix_length.ipv6) == var.feed_min_prefix_length.ipv6
    error_message = "feed_min_prefix_length.ipv6 must be a whole number from 1 to 128 (0 would admit a default route)."
  }
}

variable "world_open_remediation_configuration_managed" {
  description = "With world_open_remediation_enabled: create the Config rule's remediation configuration here. false when it is attached elsewhere (a conformance pack) or the API is missing (emulators); the topic and role it publishes with stay."
  type        = bool
  default     = true
}

variable "organization" {
  description = "Organization mode (null: this account and region only, as before). The function also guards the member accounts and regions of member_accounts (account ID => regions), assuming member_role_name there (with external_id when set), sweep_concurrency groups at once and at most mutating_calls_per_second mutating EC2 calls per account and region (null: 4 and 5); a custom bus (event_bus_name) admits the organization (organization_id, aws:PrincipalOrgID) or else the member accounts, and receives what modules/spoke forwards; share_prefix_lists_with (organization ARN, OU ARNs, account IDs) gets the feeds' prefix lists through AWS RAM. See README: Organizations."
  type = object({
    member_role_name        = optional(string, "sg-guardian-member")
    external_id             = optional(string)
    organization_id         = optional(string)
    member_accounts         = optional(map(list(string)), {})
    event_bus_name          = optional(string, "sg-guardian")
    share_prefix_lists_with = optional(list(string), [])
    # Sweep pacing (null: the function's defaults, 4 and 5/s).
    sweep_concurrency         = optional(number)
    mutating_calls_per_second = optional(number)
  })
  default = null

  validation {
    condition     = var.organization == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.organization.member_role_name))
    error_message = "organization.member_role_name must be 1-64 characters of letters, digits and +=,.@_- (an IAM role name, no path)."
  }

  validation {
    condition     = var.organization == null || try(var.organization.external_id == null, false) || try(length(regex("^[A-Za-z0-9+=,.@:/_-]+$", var.organization.external_id)) >= 2 && length(var.organization.external_id) <= 1224, false)
    error_message = "organization.external_id must be 2-1224 characters of letters, digits and +=,.@:/_-."
  }

  validation {
    condition     = var.organization == null || try(var.organization.organization_id == null || can(regex("^o-[a-z0-9]{10,32}$", var.organization.organization_id)), false)
    error_message = "organization.organization_id must look like o-a1b2c3d4e5 (o- and 10-32 lower-case letters or digits)."
  }

  validation {
    condition     = var.organization == null || try(alltrue([for id in keys(var.organization.member_accounts) : can(regex("^[0-9]{12}$", id))]), false)
    error_message = "organization.member_accounts keys must be 12-digit AWS account IDs."
  }

  validation {
    condition     = var.organization == null || try(length(var.organization.member_accounts) <= 1000 && alltrue([for regions in values(var.organization.member_accounts) : length(regions) <= 40]), false)
    error_message = "organization.member_accounts: at most 1,000 accounts, at most 40 regions each."
  }

  validation {
    condition     = var.organization == null || try(var.organization.sweep_concurrency == null, false) || try(var.organization.sweep_concurrency >= 1 && var.organization.sweep_concurrency <= 32 && floor(var.organization.sweep_concurrency) == var.organization.sweep_concurrency, false)
    error_message = "organization.sweep_concurrency must be a whole number from 1 to 32 (groups described and planned at once)."
  }

  validation {
    condition     = var.organization == null || try(var.organization.mutating_calls_per_second == null, false) || try(var.organization.mutating_calls_per_second > 0 && var.organization.mutating_calls_per_second <= 100, false)
    error_message = "organization.mutating_calls_per_second must be above 0 and at most 100 (EC2 refills its buckets at 5 per second)."
  }

  validation {
    condition = var.organization == null || try(alltrue([for regions in values(var.organization.member_accounts) :
      length(regions) > 0 && length(distinct(regions)) == length(regions) && alltrue([for r in regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$", r))])
    ]), false)
    error_message = "organization.member_accounts: each account needs a non-empty list of distinct region names such as eu-west-1."
  }

  validation {
    condition     = var.organization == null || try(var.organization.organization_id != null || length(var.organization.member_accounts) > 0, false)
    error_message = "organization: give organization_id or member_accounts, or the hub bus admits nobody."
  }

  validation {
    condition     = var.organization == null || try(var.organization.organization_id != null || var.organization.external_id != null, false)
    error_message = "organization: give organization_id (aws:PrincipalOrgID) or external_id (sts:ExternalId): the member roles trust the function's role only with one of them."
  }

  validation {
    condition     = var.organization == null || try(can(regex("^[A-Za-z0-9._-]{1,256}$", var.organization.event_bus_name)) && var.organization.event_bus_name != "default", false)
    error_message = "organization.event_bus_name must be 1-256 letters, digits, '.', '-' or '_', and not \"default\"."
  }

  validation {
    condition = var.organization == null || try(alltrue([for p in var.organization.share_prefix_lists_with : can(regex(
      "^([0-9]{12}|arn:aws(-cn|-us-gov)?:organizations::[0-9]{12}:(organization/o-[a-z0-9]{10,32}|ou/o-[a-z0-9]{10,32}/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}))$", p
    ))]), false)
    error_message = "organization.share_prefix_lists_with: each must be an organization ARN (arn:aws:organizations::MGMT:organization/o-...), an OU ARN (arn:aws:organizations::MGMT:ou/o-.../ou-...) or a 12-digit account ID."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
