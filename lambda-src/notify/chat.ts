// Per-protocol bodies of one notification (SNS MessageStructure "json"): e-mail, SQS, Lambda and
// every other protocol get the text exactly as before ("default"); http(s) subscribers — Amazon Q
// Developer in chat applications (formerly AWS Chatbot) among them — get its custom-notification
// JSON, which it renders in Slack and Microsoft Teams. Pure.
import type { Action } from '../core/model.js';

type Notify = Extract<Action, { type: 'notify' }>;

/** Amazon Q Developer in chat applications, custom notification schema (version 1.0). */
export interface ChatNotification {
  version: '1.0';
  source: 'custom';
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps: string[];
    keywords: string[];
  };
  metadata: {
    threadId: string;
    summary: string;
    eventType: string;
    relatedResources: string[];
    additionalContext: Record<string, string>;
  };
}

export interface ChatContext {
  partition: string;
  region: string;
  accountId?: string;
}

// SNS: a message is at most 256 KiB (262,144 bytes), attributes included; leave room for those.
export const MESSAGE_MAX_BYTES = 256 * 1024 - 8 * 1024;
const DESCRIPTION_MAX = 3_500;
const ICON: Record<Notify['severity'], string> = { info: ':information_source:', low: ':large_blue_circle:', medium: ':warning:', high: ':rotating_light:' };

/** Where a partition's console lives. */
export function consoleHost(partition: string, region: string): string {
  if (partition === 'aws-cn') return 'console.amazonaws.cn';
  if (partition === 'aws-us-gov') return 'console.amazonaws-us-gov.com';
  return `${region}.console.aws.amazon.com`;
}

export function chatNotification(n: Notify, ctx: ChatContext): ChatNotification {
  const host = consoleHost(ctx.partition, ctx.region);
  const groupId = n.finding?.groupId ?? n.attributes.group_id;
  const kind = n.attributes.kind ?? 'notice';
  const action = n.attributes.action ?? 'notice';
  const links: string[] = [];
  if (groupId) links.push(`[Open ${groupId} in the EC2 console](https://${host}/ec2/home?region=${ctx.region}#SecurityGroup:groupId=${groupId})`);
  if (n.finding?.eventId) links.push(`[Find event ${n.finding.eventId} in CloudTrail](https://${host}/cloudtrailv2/home?region=${ctx.region}#/events/${encodeURIComponent(n.finding.eventId)})`);
  if (n.attributes.prefix_list_id) links.push(`[Open ${n.attributes.prefix_list_id}](https://${host}/vpcconsole/home?region=${ctx.region}#PrefixListDetails:prefixListId=${n.attributes.prefix_list_id})`);
  if (n.finding) links.push(`[Security Hub findings of sg-guardian](https://${host}/securityhub/home?region=${ctx.region}#/findings)`);
  const relatedResources = [
    ...(groupId && ctx.accountId ? [`arn:${ctx.partition}:ec2:${ctx.region}:${ctx.accountId}:security-group/${groupId}`] : []),
    ...(n.attributes.prefix_list_id && ctx.accountId ? [`arn:${ctx.partition}:ec2:${ctx.region}:${ctx.accountId}:prefix-list/${n.attributes.prefix_list_id}`] : []),
  ];
  return {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: `${ICON[n.severity]} ${inert(n.subject)}`,
      description: markdown(n.message),
      nextSteps: [...links, ...advice(kind, action)],
      keywords: [n.severity, kind, action, ...(groupId ? [groupId] : []), ...(n.attributes.feed ? [n.attributes.feed] : [])],
    },
    metadata: {
      threadId: `sg-guardian/${kind}/${groupId ?? n.attributes.feed ?? action}`,
      summary: inert(n.subject),
      eventType: `sg-guardian.${kind}.${action}`,
      relatedResources,
      additionalContext: { ...n.attributes, severity: n.severity },
    },
  };
}

/**
 * The Publish message: JSON with one body per protocol. `default` is the text every protocol not
 * named gets (email, email-json, sqs, lambda, ...), byte for byte what was sent before. Too large
 * for one message with the chat body: the text alone, as before.
 */
export function messageBodies(n: Notify, ctx: ChatContext): { message: string; structured: boolean } {
  const chat = JSON.stringify(chatNotification(n, ctx));
  const message = JSON.stringify({ default: n.message, http: chat, https: chat });
  if (new TextEncoder().encode(message).length <= MESSAGE_MAX_BYTES) return { message, structured: true };
  return { message: n.message, structured: false };
}

/**
 * Link syntax out of text others control (session names, rule descriptions, user agents): a rule
 * described "[Reset your MFA](https://evil.example)" must not become a link in the security
 * channel. Brackets become their full-width look-alikes; the e-mail text keeps them as they are.
 */
export function inert(text: string): string {
  return text.replace(/\[/g, '［').replace(/\]/g, '］').replace(/</g, '‹').replace(/>/g, '›').replace(/\|/g, '｜');
}

/** The text as chat markdown: bullets as bullets, the key/value facts bold, within the size chat renders. */
function markdown(text: string): string {
  const lines = inert(text).split('\n').map((l) => {
    const bullet = /^\s+- (.*)$/.exec(l);
    if (bullet) return `• ${bullet[1]}`;
    const fact = /^([A-Z][A-Za-z ]{1,20}):\s+(\S.*)$/.exec(l);
    return fact ? `*${fact[1]}:* ${fact[2]}` : l;
  });
  const out = lines.join('\n');
  if (out.length <= DESCRIPTION_MAX) return out;
  const note = '\n… (cut: the e-mail carries the whole text)';
  return `${Array.from(out.slice(0, DESCRIPTION_MAX - note.length)).join('').replace(/[\ud800-\udbff]$/, '')}${note}`;
}

function advice(kind: string, action: string): string[] {
  if (kind === 'drift' && action.startsWith('would')) return ['Dry run: nothing was changed. Turn dry_run.drift_guard off to enforce.'];
  if (kind === 'drift' && action === 'enrolled') return ['Check the baselines: `sg-guardian state show --group <sg-id>`.'];
  if (kind === 'drift') return ['Intended? Make the change with an allowed principal (Terraform) or accept it: `sg-guardian state accept --group <sg-id>`.'];
  if (kind === 'world-open') return ['Must the port be public? Add it to world_open_authorized_tcp_ports / udp_ports; otherwise reach it through the replacement CIDRs.'];
  if (kind === 'feed' && (action === 'rejected' || action === 'needs-shards')) return ['Nothing was applied: the targets keep their ranges until the feed is accepted.'];
  return [];
}
