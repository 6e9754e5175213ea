// The SNS adapter: publishes a core `notify` action, one body per protocol (notify/chat.ts).
// Attributes become String message attributes so subscribers can filter (kind, action, severity,
// group_id, ...).
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Action } from '../core/model.js';
import { type ChatContext, messageBodies } from '../notify/chat.js';

export type Sns = SNSClient;
export const createSns = (): Sns => new SNSClient({ maxAttempts: 5 });

export type NotifyAction = Extract<Action, { type: 'notify' }>;

export async function publish(sns: Sns, topicArn: string, n: NotifyAction): Promise<string | undefined> {
  const bodies = messageBodies(n, chatContext(topicArn));
  const res = await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      // SNS subjects: ASCII-printable, no newlines, at most 100 characters.
      Subject: n.subject.replace(/[^\x20-\x7e]/g, '?').slice(0, 100),
      Message: bodies.message,
      ...(bodies.structured ? { MessageStructure: 'json' } : {}),
      MessageAttributes: Object.fromEntries(
        Object.entries<string>({ ...n.attributes, severity: n.severity })
          .filter(([, v]) => v !== '')
          .map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
      ),
    }),
  );
  return res.MessageId;
}

/** The topic's partition, region and account: where the console links of the chat body point. */
function chatContext(topicArn: string): ChatContext {
  const [, partition = 'aws', , region = 'us-east-1', accountId] = topicArn.split(':');
  return { partition, region, ...(accountId ? { accountId } : {}) };
}
