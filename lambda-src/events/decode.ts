// The edge: turns any input the Lambda (or `sg-guardian explain`) accepts into one GuardEvent.
// Each payload decoder either declines (undefined: not its shape), claims and returns an event,
// or claims and throws a DecodeError naming the offending field. Decoding never calls AWS.
import { DecodeError } from '../core/model.js';
import type { GuardEvent } from './guard-event.js';
import { type DecodeInput, SnsEnvelopeSchema, looksLikeSns, parseMaybeJson } from './sns.js';
import { fromZod } from './zod-error.js';
import { checkBounds } from './limits.js';
import { clip } from '../core/excerpt.js';
import { decodeCloudTrail } from './cloudtrail.js';
import { decodeIpSpaceChanged } from './ip-space-changed.js';
import { decodeConfig } from './config.js';
import { decodeSchedule, decodeInvoke } from './schedule.js';

type PayloadDecoder = (input: DecodeInput) => GuardEvent | undefined;

const DIRECT: PayloadDecoder[] = [decodeCloudTrail, decodeSchedule, decodeConfig, decodeIpSpaceChanged, decodeInvoke];
const VIA_SNS: PayloadDecoder[] = [decodeCloudTrail, decodeIpSpaceChanged, decodeConfig];

export function decodeEvent(raw: unknown): GuardEvent {
  // Before any schema: the decoders below recurse, and a hostile event must not reach them.
  checkBounds(raw);
  if (looksLikeSns(raw)) {
    const parsed = SnsEnvelopeSchema.safeParse(raw);
    if (!parsed.success) throw fromZod(parsed.error, '');
    const rec = parsed.data.Records[0]!.Sns;
    const input: DecodeInput = {
      body: parseMaybeJson(rec.Message, 'Records[0].Sns.Message'),
      sns: { messageId: rec.MessageId, topicArn: rec.TopicArn, subject: rec.Subject ?? undefined, timestamp: rec.Timestamp },
    };
    return firstClaim(VIA_SNS, input) ?? unrecognised(input.body, 'Records[0].Sns.Message');
  }
  return firstClaim(DIRECT, { body: raw }) ?? unrecognised(raw, '');
}

function firstClaim(decoders: PayloadDecoder[], input: DecodeInput): GuardEvent | undefined {
  for (const decode of decoders) {
    const event = decode(input);
    if (event) return event;
  }
  return undefined;
}

function unrecognised(body: unknown, path: string): never {
  const hint =
    typeof body === 'object' && body !== null
      ? `keys ${Object.keys(body).slice(0, 8).map((k) => clip(k, 40)).join(', ') || '(none)'}`
      : `a ${typeof body}`;
  throw new DecodeError(`not an event sg-guardian handles (got ${hint}); expected a CloudTrail security-group API call, an AmazonIpSpaceChanged notice, an AWS Config notification or remediation message, a scheduled event, or {"sg-guardian":{...}}`, path || '$');
}
