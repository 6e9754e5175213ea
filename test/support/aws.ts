// SDK clients for tests, pointed at this worker's emulator (started by the global setup).
import { EC2Client } from '@aws-sdk/client-ec2';
import { SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { inject } from 'vitest';
import type { EmulatorInfo } from './global-setup.js';

/**
 * This worker's emulator. VITEST_POOL_ID is the tinypool slot (1..maxWorkers) running the file; a
 * slot's next file reuses its id, so two files running at once never share an emulator. One shared
 * endpoint (AWS_ENDPOINT_URL) serves every slot.
 */
export function emulator(): EmulatorInfo {
  const emus = inject('emulators');
  const slot = Number(process.env.VITEST_POOL_ID);
  if (!Number.isInteger(slot) || slot < 1) throw new Error(`VITEST_POOL_ID is '${process.env.VITEST_POOL_ID}': expected a vitest pool slot 1..N`);
  const emu = emus.length === 1 ? emus[0] : emus[slot - 1];
  if (!emu) throw new Error(`pool slot ${slot} has no emulator (${emus.length} started): maxWorkers and SG_GUARDIAN_TEST_WORKERS disagree`);
  return emu;
}

const opts = () => ({ endpoint: emulator().endpoint, region: emulator().region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 2 });

export const ec2 = () => new EC2Client(opts());
export const sns = () => new SNSClient(opts());
export const sqs = () => new SQSClient(opts());
export const events = () => new EventBridgeClient(opts());
export const configService = () => new ConfigServiceClient(opts());
export const securityHub = () => new SecurityHubClient(opts());

/** A name unique to this run, so tests never collide in a shared or long-lived emulator. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** A queue (e.g. to subscribe to a topic: SNS→Lambda is not observable on the emulator). */
export async function queue(c: SQSClient, qname: string): Promise<{ url: string; arn: string }> {
  const url = (await c.send(new CreateQueueCommand({ QueueName: qname }))).QueueUrl!;
  const arn = (await c.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { url, arn };
}

/**
 * Receives until `want` messages arrived or ~5 s passed; want = 0 checks that nothing arrives. What
 * it received is deleted: left in the queue, a message comes back after the 30 s visibility timeout
 * and is taken for a later test's (seen on a loaded machine).
 */
export async function drain(c: SQSClient, url: string, want = 1): Promise<Message[]> {
  const got: Message[] = [];
  for (let i = 0; i < 5 && (want === 0 || got.length < want); i++) {
    const res = await c.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }));
    const messages = res.Messages ?? [];
    if (messages.length) await c.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: messages.map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle! })) }));
    got.push(...messages);
  }
  return got;
}

/** An SNS notification as the subscriber saw it: subject, message and attribute values. */
export function notification(m: Message): { subject: string; message: string; attributes: Record<string, string> } {
  const body = JSON.parse(m.Body!) as { Subject: string; Message: string; MessageAttributes?: Record<string, { Value: string }> };
  return { subject: body.Subject, message: body.Message, attributes: Object.fromEntries(Object.entries(body.MessageAttributes ?? {}).map(([k, v]) => [k, v.Value])) };
}
