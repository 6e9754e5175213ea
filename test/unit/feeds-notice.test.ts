// Decoding the AmazonIpSpaceChanged notice (lambda-src/events/ip-space-changed.ts).
// Samples: test/fixtures/samples/sns-AmazonIpSpaceChanged-* (provenance in its README.md).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../lambda-src/core/model.js';
import { decodeEvent } from '../../lambda-src/events/decode.js';
import { decodeIpSpaceChanged } from '../../lambda-src/events/ip-space-changed.js';

const SAMPLES = new URL('../fixtures/samples/', import.meta.url);
const REAL_2024 = 'sns-AmazonIpSpaceChanged-2024-07-09-realvalues-in-test-envelope_vincent119.json';
const DOC_PAYLOAD = 'sns-AmazonIpSpaceChanged-message-payload-only_awsdocs.json';
const README_TEST_EVENT = 'sns-AmazonIpSpaceChanged-testevent_aws-cloudfront-samples-README.json';

function sample(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, SAMPLES), 'utf8')) as Record<string, unknown>;
}

function decodeError(run: () => unknown): DecodeError {
  try {
    run();
  } catch (err) {
    if (err instanceof DecodeError) return err;
    throw err;
  }
  throw new Error('expected a DecodeError');
}

const REAL_MESSAGE = { 'create-time': '2024-07-09-02-03-09', synctoken: '1720490589', md5: '7d512815cbb10c21eb790c7f2f02e0b7', url: 'https://ip-ranges.amazonaws.com/ip-ranges.json' };

function viaSns(message: unknown) {
  return { Records: [{ EventSource: 'aws:sns', Sns: { Message: JSON.stringify(message), MessageId: 'm-1', TopicArn: 'arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged' } }] };
}

describe('AmazonIpSpaceChanged notice', () => {
  it('decodes the 2024 notice through SNS, with the real dashed create-time as ISO UTC', () => {
    expect(decodeEvent(sample(REAL_2024))).toEqual({
      kind: 'ip-space-changed',
      createTime: '2024-07-09T02:03:09Z',
      syncToken: '1720490589',
      md5: '7d512815cbb10c21eb790c7f2f02e0b7',
      url: 'https://ip-ranges.amazonaws.com/ip-ranges.json',
      topicArn: 'arn:aws:sns:EXAMPLE',
      messageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
    });
  });

  it('decodes the payload when it arrives without SNS (ISO create-time, as AWS docs show)', () => {
    const doc = sample(DOC_PAYLOAD);
    // The docs sample holds a placeholder time; the same payload with an ISO value decodes.
    const event = decodeEvent({ ...doc, 'create-time': '2024-07-09T02:03:09+00:00' });
    expect(event).toEqual({
      kind: 'ip-space-changed',
      createTime: '2024-07-09T02:03:09Z',
      syncToken: '0123456789',
      md5: '6a45316e8bc9463c9e926d5d37836d33',
      url: 'https://ip-ranges.amazonaws.com/ip-ranges.json',
    });
  });

  it.each([
    ['2024-07-09T04:03:09+02:00', '2024-07-09T02:03:09Z'],
    ['2024-07-09T02:03:09.500Z', '2024-07-09T02:03:09.500Z'],
    ['2020-02-29-23-59-59', '2020-02-29T23:59:59Z'],
  ])('create-time %s -> %s', (createTime, iso) => {
    expect(decodeIpSpaceChanged({ body: { ...REAL_MESSAGE, 'create-time': createTime } })?.createTime).toBe(iso);
  });

  it('refuses the placeholder create-time of the AWS samples, naming the field inside the SNS Message', () => {
    // The aws-cloudfront-samples README test event carries "yyyy-mm-ddThh:mm:ss+00:00" literally.
    const err = decodeError(() => decodeEvent(sample(README_TEST_EVENT)));
    expect(err.path).toBe('Records[0].Sns.Message.create-time');
    expect(err.message).toContain('YYYY-MM-DD-hh-mm-ss or ISO 8601');
    expect(decodeError(() => decodeEvent(sample(DOC_PAYLOAD))).path).toBe('create-time');
  });

  it.each([
    ['synctoken', { synctoken: 'abc' }, 'synctoken'],
    ['md5', { md5: 'not-an-md5' }, 'md5'],
    ['url', { url: 'http://ip-ranges.amazonaws.com/ip-ranges.json' }, 'url'],
    ['an impossible date', { 'create-time': '2024-02-30-00-00-00' }, 'create-time'],
  ])('a malformed %s is a DecodeError naming it', (_what, patch, path) => {
    const err = decodeError(() => decodeEvent(viaSns({ ...REAL_MESSAGE, ...patch })));
    expect(err.path).toBe(`Records[0].Sns.Message.${path}`);
  });

  it('claims a payload missing a key, and names the missing key', () => {
    const { url: _url, ...withoutUrl } = REAL_MESSAGE;
    expect(decodeError(() => decodeIpSpaceChanged({ body: withoutUrl })).path).toBe('url');
  });

  it('takes a numeric synctoken as its decimal string, and lowercases md5', () => {
    const event = decodeIpSpaceChanged({ body: { ...REAL_MESSAGE, synctoken: 1720490589, md5: REAL_MESSAGE.md5.toUpperCase() } });
    expect(event?.syncToken).toBe('1720490589');
    expect(event?.md5).toBe('7d512815cbb10c21eb790c7f2f02e0b7');
  });

  it('decodes a raw SNS notification document (HTTP delivery, or pasted into explain)', () => {
    const doc = { Type: 'Notification', MessageId: 'x-1', TopicArn: 'arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged', Message: JSON.stringify(REAL_MESSAGE) };
    expect(decodeIpSpaceChanged({ body: doc })).toMatchObject({ kind: 'ip-space-changed', syncToken: '1720490589', messageId: 'x-1' });
    expect(decodeEvent(doc)).toMatchObject({ kind: 'ip-space-changed', topicArn: 'arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged' });
  });

  it.each([
    ['a scheduled event', { 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2024-01-01T00:00:00Z' }],
    ['an object with only md5 and url', { md5: REAL_MESSAGE.md5, url: REAL_MESSAGE.url }],
    ['a string', 'sg-0123456789abcdef0'],
    ['an array', [REAL_MESSAGE]],
    ['another SNS document', { Type: 'Notification', Message: '{"hello":1}' }],
  ])('declines %s', (_what, body) => {
    expect(decodeIpSpaceChanged({ body })).toBeUndefined();
  });
});
