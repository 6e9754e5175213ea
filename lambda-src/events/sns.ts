// The SNS → Lambda envelope. Many sg-guardian inputs arrive through SNS (the AmazonIpSpaceChanged
// notice, Config notifications, the remediation message, EventBridge events fanned out via a topic);
// the envelope is unwrapped once here and the Message handed to the payload decoders.
import * as z from 'zod';
import { checkBounds } from './limits.js';

const SnsRecordSchema = z.object({
  EventSource: z.string().optional(),
  Sns: z.object({
    Message: z.string(),
    MessageId: z.string().optional(),
    TopicArn: z.string().optional(),
    Subject: z.string().nullish(),
    Timestamp: z.string().optional(),
  }),
});

// Lambda gets one SNS record per invocation; any other count is not something SNS sends, and using
// the first of several would silently drop the rest.
export const SnsEnvelopeSchema = z.object({
  Records: z.array(SnsRecordSchema).length(1, 'expected exactly one SNS record (Lambda receives one per invocation)'),
});

export interface SnsMeta {
  messageId?: string;
  topicArn?: string;
  subject?: string;
  timestamp?: string;
}

/** What a payload decoder sees: the parsed body (JSON when it parses, else the raw string), and the SNS metadata when it came through SNS. */
export interface DecodeInput {
  body: unknown;
  sns?: SnsMeta;
}

export function looksLikeSns(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && Array.isArray((raw as { Records?: unknown }).Records) &&
    typeof ((raw as { Records: unknown[] }).Records[0] as { Sns?: unknown } | undefined)?.Sns === 'object';
}

/**
 * Parses a Message that may be JSON (or JSON whose fields are themselves JSON strings). What it
 * parses is bounds-checked at `path` like the envelope was: a string can hide any depth.
 */
export function parseMaybeJson(text: string, path: string): unknown {
  const t = text.trim();
  if (!(t.startsWith('{') || t.startsWith('[') || t.startsWith('"'))) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(t) as unknown;
  } catch {
    return text;
  }
  checkBounds(parsed, path);
  return parsed;
}
