// EventBridge "Scheduled Event" (Cloudflare sync, world-open sweep) and an operator's direct
// invocation ({"sg-guardian": {"action": "sync-feeds" | "sweep", "feed"?: "aws" | "cloudflare"}}).
import * as z from 'zod';
import type { InvokeEvent, ScheduleEvent } from './guard-event.js';
import type { DecodeInput } from './sns.js';
import { fromZod } from './zod-error.js';

// The AWS doc example (and custodian's copy) has no "version" key: do not require it.
const ScheduledEventSchema = z.object({
  'detail-type': z.literal('Scheduled Event'),
  source: z.literal('aws.events'),
  time: z.string(),
  account: z.string().optional(),
  region: z.string().optional(),
  resources: z.array(z.string()).default([]),
});

const InvokeSchema = z.object({
  'sg-guardian': z.object({
    action: z.enum(['sync-feeds', 'sweep']),
    feed: z.enum(['aws', 'cloudflare']).optional(),
  }),
});

export function decodeSchedule({ body }: DecodeInput): ScheduleEvent | undefined {
  if (!isObject(body) || body['detail-type'] !== 'Scheduled Event') return undefined;
  const parsed = ScheduledEventSchema.safeParse(body);
  if (!parsed.success) throw fromZod(parsed.error, '');
  const e = parsed.data;
  return { kind: 'schedule', time: e.time, ruleArns: e.resources, accountId: e.account, region: e.region };
}

export function decodeInvoke({ body }: DecodeInput): InvokeEvent | undefined {
  if (!isObject(body) || !('sg-guardian' in body)) return undefined;
  const parsed = InvokeSchema.safeParse(body);
  if (!parsed.success) throw fromZod(parsed.error, '');
  const { action, feed } = parsed.data['sg-guardian'];
  return feed ? { kind: 'invoke', action, feed } : { kind: 'invoke', action };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
