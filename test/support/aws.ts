// SDK clients for tests, pointed at the emulator the global setup started (AWS_ENDPOINT_URL).
import { EC2Client } from '@aws-sdk/client-ec2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { inject } from 'vitest';

export function emulator() {
  return inject('emulator');
}

const opts = () => ({ endpoint: emulator().endpoint, region: emulator().region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 2 });

export const ec2 = () => new EC2Client(opts());
export const sns = () => new SNSClient(opts());
export const sqs = () => new SQSClient(opts());
export const events = () => new EventBridgeClient(opts());

/** A name unique to this run, so tests never collide in a shared or long-lived emulator. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}
