// The SNS → Lambda envelope. Many sg-guardian inputs arrive through SNS (the AmazonIpSpaceChanged
// notice, Config notifications, the remediation message, EventBridge events fanned out via a topic);
// the envelope is unwrapped once here and the Message handed to the payload decoders.
import * as z from 'zod';

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

export const SnsEnvelopeSchema = z.object({ Records: z.array(SnsRecordSchema).min(1) });

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

/** Parses a Message that may be JSON (or JSON whose fields are themselves JSON strings). */
export function parseMaybeJson(text: string): unknown {
  const t = text.trim();
  if (!(t.startsWith('{') || t.startsWith('[') || t.startsWith('"'))) return text;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return text;
  }
}
