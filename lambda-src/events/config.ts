// AWS Config inputs of the world-open remediation:
//  - the remediation's SNS message (AWS-PublishSNSNotification): a group ID, bare, quoted, inside
//    a sentence, or as JSON {"resourceId": ...} -> ConfigRemediationEvent (only via SNS);
//  - EventBridge "Config Rules Compliance Change" / "Config Configuration Item Change";
//  - Config's own SNS notifications (messageType ComplianceChangeNotification,
//    ConfigurationItemChangeNotification, OversizedConfigurationItemChangeNotification);
//  - a custom Config rule's Lambda invocation, whose invokingEvent is itself a JSON string.
// Decoders only decode: resource types, compliance and rule names are judged by the planner.
import * as z from 'zod';
import { DecodeError } from '../core/model.js';
import type { ConfigComplianceEvent, ConfigItemEvent, ConfigRemediationEvent, GuardEvent } from './guard-event.js';
import { type DecodeInput, type SnsMeta, parseMaybeJson } from './sns.js';
import { fromZod } from './zod-error.js';
import { checkBounds } from './limits.js';
import { excerpt } from '../core/excerpt.js';

const GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
const GROUP_ID_IN_TEXT = /\bsg-[0-9a-f]{8,17}\b/g;

const ComplianceChangeSchema = z.object({
  messageType: z.literal('ComplianceChangeNotification'),
  resourceType: z.string().min(1),
  resourceId: z.string().min(1),
  configRuleName: z.string().min(1).optional(),
  awsAccountId: z.string().optional(),
  awsRegion: z.string().optional(),
  newEvaluationResult: z.object({ complianceType: z.string().min(1) }),
});

const ItemChangeSchema = z.object({
  messageType: z.literal('ConfigurationItemChangeNotification'),
  // null on the first evaluation of a custom rule (the custodian sample).
  configurationItemDiff: z.object({ changeType: z.string().optional() }).nullish(),
  configurationItem: z.object({
    resourceType: z.string().min(1),
    resourceId: z.string().min(1),
    awsAccountId: z.string().optional(),
    awsRegion: z.string().optional(),
  }),
});

// Items over 256 KB arrive as a summary only; the planner describes the group fresh anyway.
const OversizedItemChangeSchema = z.object({
  messageType: z.literal('OversizedConfigurationItemChangeNotification'),
  configurationItemSummary: z.object({
    changeType: z.string().optional(),
    resourceType: z.string().min(1),
    resourceId: z.string().min(1),
    awsAccountId: z.string().optional(),
    awsRegion: z.string().optional(),
  }),
});

const EventBridgeSchema = z.object({
  source: z.literal('aws.config'),
  'detail-type': z.string(),
  account: z.string().optional(),
  region: z.string().optional(),
  detail: z.record(z.string(), z.unknown()),
});

const RuleInvocationSchema = z.object({
  invokingEvent: z.union([z.string(), z.record(z.string(), z.unknown())]),
  configRuleName: z.string().min(1),
  configRuleArn: z.string().optional(),
  accountId: z.string().optional(),
});

const RemediationJsonSchema = z.object({
  resourceId: z.string().regex(GROUP_ID, 'must be a security group ID (sg-...)'),
  configRuleName: z.string().min(1).optional(),
  awsAccountId: z.string().optional(),
  accountId: z.string().optional(),
  awsRegion: z.string().optional(),
  region: z.string().optional(),
});

// An SNS notification as SNS documents it (HTTP/email-JSON delivery, the Config guide's samples):
// no Records wrapper, Message a string or (in the docs) an object.
const SnsNotificationDocumentSchema = z.object({
  Type: z.literal('Notification'),
  Message: z.union([z.string(), z.record(z.string(), z.unknown())]),
  MessageId: z.string().optional(),
  TopicArn: z.string().optional(),
  Subject: z.string().nullish(),
  Timestamp: z.string().optional(),
});

const NOTIFICATION_TYPES = ['ComplianceChangeNotification', 'ConfigurationItemChangeNotification', 'OversizedConfigurationItemChangeNotification'];

export function decodeConfig(input: DecodeInput): GuardEvent | undefined {
  return decodeAt(input.body, input.sns, input.sns ? 'Records[0].Sns.Message' : '');
}

function decodeAt(body: unknown, sns: SnsMeta | undefined, base: string): GuardEvent | undefined {
  if (typeof body === 'string') return sns ? decodeRemediationText(body, sns, base) : undefined;
  if (!isObject(body)) return undefined;
  if (!sns && body.Type === 'Notification' && 'Message' in body) return decodeSnsNotificationDocument(body);
  // Config's own service events; "AWS API Call via CloudTrail" with source aws.config is not ours.
  if (body.source === 'aws.config' && typeof body['detail-type'] === 'string' && body['detail-type'].startsWith('Config ')) return decodeEventBridge(body, base);
  if ('invokingEvent' in body) return decodeRuleInvocation(body, base);
  // Any messageType, even null or a number, means a Config notification: say what is wrong with it.
  if ('messageType' in body) return decodeNotification(body, base, {});
  if (sns && 'resourceId' in body) return decodeRemediationJson(body, sns, base);
  return undefined;
}

/** The remediation message: "sg-0123...", or a sentence naming exactly one group. */
function decodeRemediationText(text: string, sns: SnsMeta, base: string): ConfigRemediationEvent | undefined {
  const trimmed = text.trim();
  if (GROUP_ID.test(trimmed)) return remediation(trimmed, sns, {});
  const ids = [...new Set(trimmed.match(GROUP_ID_IN_TEXT) ?? [])];
  if (ids.length === 1) return remediation(ids[0]!, sns, {});
  if (ids.length > 1) throw new DecodeError(`names ${ids.length} security groups (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''}); the remediation message must name one`, base || '$');
  // "sg-" without a valid ID after it: meant as a remediation message, but malformed.
  if (/^sg-\S*$/.test(trimmed)) throw new DecodeError(`${excerpt(trimmed, 40)} is not a security group ID (sg- and 8 or 17 hex digits)`, base || '$');
  return undefined;
}

function decodeRemediationJson(body: Record<string, unknown>, sns: SnsMeta, base: string): ConfigRemediationEvent {
  const parsed = RemediationJsonSchema.safeParse(body);
  if (!parsed.success) throw fromZod(parsed.error, base);
  const m = parsed.data;
  return remediation(m.resourceId, sns, { configRuleName: m.configRuleName, accountId: m.awsAccountId ?? m.accountId, region: m.awsRegion ?? m.region });
}

function remediation(groupId: string, sns: SnsMeta, extra: Pick<ConfigRemediationEvent, 'configRuleName' | 'accountId' | 'region'>): ConfigRemediationEvent {
  // The bare message says nothing else; the topic (created next to the rule) tells where.
  const topic = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):/.exec(sns.topicArn ?? '');
  return compact({
    kind: 'config-remediation',
    groupId,
    configRuleName: extra.configRuleName,
    accountId: extra.accountId ?? topic?.[2],
    region: extra.region ?? topic?.[1],
    messageId: sns.messageId,
  });
}

function decodeSnsNotificationDocument(body: Record<string, unknown>): GuardEvent | undefined {
  const parsed = SnsNotificationDocumentSchema.safeParse(body);
  if (!parsed.success) throw fromZod(parsed.error, '');
  const n = parsed.data;
  const inner = typeof n.Message === 'string' ? parseMaybeJson(n.Message, 'Message') : n.Message;
  const sns: SnsMeta = { messageId: n.MessageId, topicArn: n.TopicArn, subject: n.Subject ?? undefined, timestamp: n.Timestamp };
  return decodeAt(inner, sns, 'Message');
}

function decodeEventBridge(body: Record<string, unknown>, base: string): GuardEvent {
  const parsed = EventBridgeSchema.safeParse(body);
  if (!parsed.success) throw fromZod(parsed.error, base);
  const e = parsed.data;
  const at = join(base, 'detail');
  const envelope = { accountId: e.account, region: e.region };
  switch (e['detail-type']) {
    case 'Config Rules Compliance Change':
      return decodeNotification({ messageType: 'ComplianceChangeNotification', ...e.detail }, at, envelope);
    case 'Config Configuration Item Change':
      return decodeNotification({ messageType: 'ConfigurationItemChangeNotification', ...e.detail }, at, envelope);
    default:
      throw new DecodeError(`${excerpt(e['detail-type'])} is not handled; expected "Config Rules Compliance Change" or "Config Configuration Item Change"`, join(base, 'detail-type'));
  }
}

interface Fallback {
  accountId?: string;
  region?: string;
  configRuleName?: string;
}

function decodeNotification(body: Record<string, unknown>, base: string, fallback: Fallback): ConfigComplianceEvent | ConfigItemEvent {
  switch (body.messageType) {
    case 'ComplianceChangeNotification': {
      const parsed = ComplianceChangeSchema.safeParse(body);
      if (!parsed.success) throw fromZod(parsed.error, base);
      const m = parsed.data;
      return compact({
        kind: 'config-compliance',
        resourceType: m.resourceType,
        resourceId: m.resourceId,
        complianceType: m.newEvaluationResult.complianceType,
        configRuleName: m.configRuleName ?? fallback.configRuleName,
        accountId: m.awsAccountId ?? fallback.accountId,
        region: m.awsRegion ?? fallback.region,
      });
    }
    case 'ConfigurationItemChangeNotification': {
      const parsed = ItemChangeSchema.safeParse(body);
      if (!parsed.success) throw fromZod(parsed.error, base);
      const { configurationItem: ci, configurationItemDiff: diff } = parsed.data;
      return compact({
        kind: 'config-item',
        resourceType: ci.resourceType,
        resourceId: ci.resourceId,
        changeType: diff?.changeType,
        accountId: ci.awsAccountId ?? fallback.accountId,
        region: ci.awsRegion ?? fallback.region,
        configRuleName: fallback.configRuleName,
      });
    }
    case 'OversizedConfigurationItemChangeNotification': {
      const parsed = OversizedItemChangeSchema.safeParse(body);
      if (!parsed.success) throw fromZod(parsed.error, base);
      const s = parsed.data.configurationItemSummary;
      return compact({
        kind: 'config-item',
        resourceType: s.resourceType,
        resourceId: s.resourceId,
        changeType: s.changeType,
        accountId: s.awsAccountId ?? fallback.accountId,
        region: s.awsRegion ?? fallback.region,
        configRuleName: fallback.configRuleName,
      });
    }
    default:
      // Snapshot/history deliveries, ScheduledNotification: Config messages about no resource.
      throw new DecodeError(`${excerpt(body.messageType)} names no resource to check; expected one of ${NOTIFICATION_TYPES.join(', ')}`, join(base, 'messageType'));
  }
}

function decodeRuleInvocation(body: Record<string, unknown>, base: string): ConfigComplianceEvent | ConfigItemEvent {
  const parsed = RuleInvocationSchema.safeParse(body);
  if (!parsed.success) throw fromZod(parsed.error, base);
  const inv = parsed.data;
  const at = join(base, 'invokingEvent');
  let invoking: unknown = inv.invokingEvent;
  if (typeof invoking === 'string') {
    try {
      invoking = JSON.parse(invoking) as unknown;
    } catch (err) {
      throw new DecodeError(`is not valid JSON (${(err as Error).message})`, at);
    }
    checkBounds(invoking, at);
  }
  if (!isObject(invoking)) throw new DecodeError('must be a JSON object', at);
  const region = /^arn:aws[a-z-]*:config:([a-z0-9-]+):/.exec(inv.configRuleArn ?? '')?.[1];
  return decodeNotification(invoking, at, { accountId: inv.accountId, region, configRuleName: inv.configRuleName });
}

function join(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Drops undefined optionals so events compare (and print) cleanly. */
function compact<T extends object>(event: T): T {
  return Object.fromEntries(Object.entries(event).filter(([, v]) => v !== undefined)) as T;
}
