// The AmazonIpSpaceChanged notice (topic arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged):
// {"create-time", "synctoken", "md5", "url"}, via SNS or invoked directly with the payload.
// Real create-time is "2024-07-09-02-03-09"; AWS docs show ISO 8601: both are taken, as ISO UTC.
import * as z from 'zod';
import { DecodeError } from '../core/model.js';
import { normaliseAwsTime } from '../feeds/aws-ip-ranges.js';
import type { IpSpaceChangedEvent } from './guard-event.js';
import { type DecodeInput, type SnsMeta, parseMaybeJson } from './sns.js';
import { fromZod } from './zod-error.js';

// Not strict: AWS may add keys to the notice; the four known ones are what the sync needs.
const NoticeSchema = z.object({
  'create-time': z.string().refine((t) => normaliseAwsTime(t) !== undefined, 'must be YYYY-MM-DD-hh-mm-ss or ISO 8601'),
  // A decimal string in every real notice; a number is taken too (hand-written test events).
  synctoken: z.union([z.string().regex(/^\d+$/, 'must be a decimal string'), z.number().int().nonnegative().transform(String)]),
  md5: z.string().regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex digits'),
  url: z.string().regex(/^https:\/\/\S+$/, 'must be an https:// URL'),
});

// A raw SNS notification document (HTTP/S delivery, or pasted into `sg-guardian explain`).
const SnsDocumentSchema = z.object({
  Type: z.literal('Notification'),
  Message: z.string(),
  MessageId: z.string().optional(),
  TopicArn: z.string().optional(),
  Subject: z.string().nullish(),
  Timestamp: z.string().optional(),
});

export function decodeIpSpaceChanged(input: DecodeInput): IpSpaceChangedEvent | undefined {
  const { body, sns } = input;
  if (!isObject(body)) return undefined;
  if (!sns && body.Type === 'Notification' && typeof body.Message === 'string') {
    const inner = parseMaybeJson(body.Message, 'Message');
    if (!claims(inner)) return undefined;
    const doc = SnsDocumentSchema.safeParse(body);
    if (!doc.success) throw fromZod(doc.error, '');
    const d = doc.data;
    return decodeNotice(inner, { messageId: d.MessageId, topicArn: d.TopicArn, subject: d.Subject ?? undefined, timestamp: d.Timestamp }, 'Message');
  }
  if (!claims(body)) return undefined;
  return decodeNotice(body, sns, sns ? 'Records[0].Sns.Message' : '');
}

/** The hyphenated create-time and synctoken are this notice's alone; md5 and url alone are too common to claim on. */
function claims(body: unknown): body is Record<string, unknown> {
  return isObject(body) && ('create-time' in body || 'synctoken' in body);
}

function decodeNotice(body: Record<string, unknown>, sns: SnsMeta | undefined, base: string): IpSpaceChangedEvent {
  const parsed = NoticeSchema.safeParse(body);
  if (!parsed.success) throw fromZod(parsed.error, base);
  const n = parsed.data;
  const createTime = normaliseAwsTime(n['create-time']);
  if (!createTime) throw new DecodeError('must be YYYY-MM-DD-hh-mm-ss or ISO 8601', `${base}.create-time`.replace(/^\./, ''));
  const event: IpSpaceChangedEvent = { kind: 'ip-space-changed', createTime, syncToken: n.synctoken, md5: n.md5.toLowerCase(), url: n.url };
  if (sns?.topicArn !== undefined) event.topicArn = sns.topicArn;
  if (sns?.messageId !== undefined) event.messageId = sns.messageId;
  return event;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
