// The pure builders of issue #12: ASFF findings from notifications (identity, status, severity,
// resource, limits), the chat custom-notification body and the per-protocol Publish message.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Action } from '../../lambda-src/core/model.js';
import { decodeCloudTrail } from '../../lambda-src/events/cloudtrail.js';
import type { CloudTrailEvent } from '../../lambda-src/events/guard-event.js';
import { describeRule, renderDriftNotification } from '../../lambda-src/notify/drift.js';
import { feedRejectedNotice, feedAppliedNotice } from '../../lambda-src/notify/feeds.js';
import { asRehearsal, withOutcomes } from '../../lambda-src/notify/outcomes.js';
import { findingId, findingIdsToResolve, findingOf, resolvedFinding } from '../../lambda-src/notify/finding.js';
import { MESSAGE_MAX_BYTES, chatNotification, consoleHost, messageBodies } from '../../lambda-src/notify/chat.js';
import { parseSettings } from '../../lambda-src/policy/settings.js';
import { DecodeError } from '../../lambda-src/core/model.js';

type Notify = Extract<Action, { type: 'notify' }>;
const SAMPLES = new URL('../fixtures/samples/', import.meta.url);
const STRATUS = 'cloudtrail-raw-AuthorizeSecurityGroupIngress-flat-cidrIp-form-with-securityGroupRuleSet_stratus-red-team.json';
// Recorded where the function runs (single account: provenance admits nothing else).
const event = (where = { accountId: '111122223333', region: 'eu-west-1' }): CloudTrailEvent => ({ ...decodeCloudTrail({ body: JSON.parse(readFileSync(new URL(STRATUS, SAMPLES), 'utf8')) })!, ...where });
const PRODUCT = 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default';
const NOW = new Date('2026-12-02T01:00:00.000Z');
const drift = (outcome: 'reverted' | 'would-revert' | 'revert-incomplete' = 'reverted'): Notify => {
  const e = event();
  return renderDriftNotification({ event: e, groupId: e.groupId!, outcome, severity: outcome === 'revert-incomplete' ? 'high' : 'medium', undone: e.createdRules.map((r) => `remove ${describeRule(r)}`), problems: [], notes: [] });
};
const set = { feed: 'cloudflare' as const, ipv4: ['173.245.48.0/20'], ipv6: [], hash: '0123456789abcdef' };

describe('findingOf', () => {
  it('a successful revert: one finding per (check, group), RESOLVED and PASSED, on the security group, observed at the event time', () => {
    const n = drift();
    const f = findingOf(n, { productArn: PRODUCT, now: NOW })!;
    expect(f.Id).toBe(`arn:aws:sg-guardian:eu-west-1:111122223333:finding/unauthorized-change/${n.attributes.group_id}`);
    expect(f.Id).toBe(findingId(PRODUCT, 'unauthorized-change', n.attributes.group_id!));
    expect(f).toMatchObject({ SchemaVersion: '2018-10-08', ProductArn: PRODUCT, AwsAccountId: '111122223333', Region: 'eu-west-1', GeneratorId: 'sg-guardian/unauthorized-change' });
    expect(f.Compliance.Status).toBe('PASSED');
    expect(f.Workflow.Status).toBe('RESOLVED');
    expect(f.Severity).toEqual({ Label: 'MEDIUM', Original: 'medium' });
    expect(f.Resources).toEqual([
      {
        Type: 'AwsEc2SecurityGroup',
        Id: `arn:aws:ec2:eu-west-1:111122223333:security-group/${n.attributes.group_id}`,
        Partition: 'aws',
        Region: 'eu-west-1',
        Details: { AwsEc2SecurityGroup: { GroupId: n.attributes.group_id } },
      },
    ]);
    expect(f.CreatedAt).toBe(new Date(event().eventTime).toISOString());
    expect(f.FirstObservedAt).toBe(f.CreatedAt);
    expect(f.UpdatedAt).toBe(NOW.toISOString());
    expect(f.ProductFields).toMatchObject({ 'sg-guardian/eventId': event().eventId, 'sg-guardian/actor': event().actor.arn, 'sg-guardian/action': 'reverted' });
    expect(f.Title).toBe(n.subject);
  });

  it('the same finding ID for a replay, a retry and the next event on the group; another check or group differs', () => {
    const a = findingOf(drift(), { productArn: PRODUCT, now: NOW })!;
    const b = findingOf(drift('would-revert'), { productArn: PRODUCT, now: new Date(NOW.getTime() + 60_000) })!;
    expect(b.Id).toBe(a.Id);
    expect(findingId(PRODUCT, 'missed-event', 'sg-1')).not.toBe(findingId(PRODUCT, 'unauthorized-change', 'sg-1'));
    expect(findingId(PRODUCT, 'world-open', 'sg-1')).not.toBe(findingId(PRODUCT, 'world-open', 'sg-2'));
  });

  it('stays ACTIVE (NEW, FAILED) for a rehearsal, an incomplete revert and a run with a failed action', () => {
    expect(findingOf(drift('would-revert'), { productArn: PRODUCT, now: NOW })).toMatchObject({ Compliance: { Status: 'FAILED' }, Workflow: { Status: 'NEW' }, Title: expect.stringMatching(/^Would revert/) as string });
    expect(findingOf(drift('revert-incomplete'), { productArn: PRODUCT, now: NOW })).toMatchObject({ Compliance: { Status: 'FAILED' }, Severity: { Label: 'HIGH' } });
    const failed = withOutcomes(drift(), [{ action: { type: 'revoke-ingress', groupId: 'sg-1', reason: 'x' }, status: 'failed', detail: 'UnauthorizedOperation' }]);
    expect(findingOf(failed, { productArn: PRODUCT, now: NOW })).toMatchObject({ Compliance: { Status: 'FAILED' }, Workflow: { Status: 'NEW' }, Severity: { Label: 'HIGH' } });
    const rehearsal = asRehearsal(drift(), 1);
    expect(findingOf(rehearsal, { productArn: PRODUCT, now: NOW })?.Compliance.Status).toBe('FAILED');
  });

  it('a waived change (drift_waivers) is SUPPRESSED, not NEW; the expiry revert resolves the same finding', () => {
    const e = event();
    const waived = renderDriftNotification({ event: e, groupId: e.groupId!, outcome: 'waived', severity: 'low', undone: [], kept: ['tcp 22 from 10.0.0.0/8: waived until 2027-01-01T00:00:00Z'], problems: [], notes: [] });
    const kept = findingOf(waived, { productArn: PRODUCT, now: NOW })!;
    expect(kept).toMatchObject({ Compliance: { Status: 'FAILED' }, Workflow: { Status: 'SUPPRESSED' } });
    const expiry: Notify = { type: 'notify', subject: 'Waiver expired', message: 'm', severity: 'medium', attributes: { kind: 'drift', action: 'waiver-expired', severity: 'medium', group_id: e.groupId! }, finding: { check: 'unauthorized-change', subject: e.groupId!, groupId: e.groupId! }, reason: 'r' };
    const resolved = findingOf(expiry, { productArn: PRODUCT, now: NOW })!;
    expect(resolved.Id).toBe(kept.Id);
    expect(resolved).toMatchObject({ Compliance: { Status: 'PASSED' }, Workflow: { Status: 'RESOLVED' } });
  });

  it("a member account's group (organization): the finding in the hub's account, the resource in the member's account and region", () => {
    const e = event({ accountId: '444455556666', region: 'us-west-2' });
    const n = renderDriftNotification({ event: e, groupId: e.groupId!, outcome: 'reverted', severity: 'medium', undone: [], problems: [], notes: [] });
    const f = findingOf(n, { productArn: PRODUCT, now: NOW })!;
    expect(f.AwsAccountId).toBe('111122223333');
    expect(f.Resources[0]).toMatchObject({ Id: `arn:aws:ec2:us-west-2:444455556666:security-group/${e.groupId!}`, Region: 'us-west-2' });
  });

  it('a refused feed: ACTIVE, HIGH, on the feed; an applied feed reports no finding', () => {
    const refused = feedRejectedNotice({ feed: 'cloudflare', summary: 'shrink 45% > 30%', detail: 'shrank', reason: 'r' });
    expect(findingOf(refused, { productArn: PRODUCT, now: NOW })).toMatchObject({
      Id: findingId(PRODUCT, 'feed-refused', 'cloudflare'),
      Compliance: { Status: 'FAILED' },
      Severity: { Label: 'HIGH' },
      Resources: [{ Type: 'Other', Id: 'sg-guardian feed cloudflare' }],
      Types: ['Software and Configuration Checks/Policy/Allow-list feed refused'],
    });
    const onList = feedRejectedNotice({ feed: 'aws', summary: 'too many', detail: 'd', target: 'pl-0abc', reason: 'r' });
    expect(findingOf(onList, { productArn: PRODUCT, now: NOW })?.Resources[0]).toMatchObject({ Type: 'Other', Id: 'arn:aws:ec2:eu-west-1:111122223333:prefix-list/pl-0abc' });
    const applied = feedAppliedNotice({ set, label: 'Cloudflare ranges', targets: ['pl-1'], added: 1, removed: 0, details: [], reason: 'r' });
    expect(findingOf(applied, { productArn: PRODUCT, now: NOW })).toBeUndefined();
  });

  it('keeps ASFF limits: Title <= 256, Description <= 1024, remediation <= 512; a future event time is not taken as creation time', () => {
    const n = { ...drift(), subject: 'S'.repeat(400), message: 'M'.repeat(5000), finding: { ...drift().finding!, observedAt: '2099-01-01T00:00:00Z' } };
    const f = findingOf(n, { productArn: PRODUCT, now: NOW })!;
    expect(Array.from(f.Title).length).toBeLessThanOrEqual(256);
    expect(Array.from(f.Description).length).toBeLessThanOrEqual(1024);
    expect(f.Remediation.Recommendation.Text.length).toBeLessThanOrEqual(512);
    expect(f.CreatedAt).toBe(NOW.toISOString());
  });

  it('partition-aware: a GovCloud product gives GovCloud resource ARNs', () => {
    const e = event({ accountId: '111122223333', region: 'us-gov-west-1' });
    const n = renderDriftNotification({ event: e, groupId: e.groupId!, outcome: 'reverted', severity: 'medium', undone: [], problems: [], notes: [] });
    const f = findingOf(n, { productArn: 'arn:aws-us-gov:securityhub:us-gov-west-1:111122223333:product/111122223333/default', now: NOW })!;
    expect(f.Resources[0]).toMatchObject({ Partition: 'aws-us-gov', Id: expect.stringMatching(/^arn:aws-us-gov:ec2:us-gov-west-1:111122223333:security-group\//) as string });
  });

  it('resolvedFinding keeps identity and creation, moves UpdatedAt and passes compliance', () => {
    const open = findingOf(drift('would-revert'), { productArn: PRODUCT, now: NOW })!;
    const later = new Date(NOW.getTime() + 86_400_000);
    const r = resolvedFinding(open, later);
    expect(r).toMatchObject({ Id: open.Id, CreatedAt: open.CreatedAt, Title: open.Title, UpdatedAt: later.toISOString(), Compliance: { Status: 'PASSED' }, Workflow: { Status: 'RESOLVED' } });
    expect(findingIdsToResolve({ type: 'resolve-findings', checks: ['unauthorized-change', 'missed-event'], groupIds: ['sg-1', 'sg-2'], reason: 'r' }, PRODUCT)).toHaveLength(4);
  });
});

describe('chat bodies', () => {
  const ctx = { partition: 'aws', region: 'eu-west-1', accountId: '111122223333' };

  it('the custom notification: version, source, markdown title and description with the actor and what was undone, console links', () => {
    const n = drift();
    const c = chatNotification(n, ctx);
    expect(c).toMatchObject({ version: '1.0', source: 'custom', content: { textType: 'client-markdown' } });
    expect(c.content.title).toBe(`:warning: ${n.subject}`);
    expect(c.content.description).toContain(event().actor.arn);
    expect(c.content.description).toMatch(/^• remove ingress /m);
    expect(c.content.description).toMatch(/^\*Actor:\* arn:aws:iam::/m);
    expect(c.content.nextSteps[0]).toBe(`[Open ${n.attributes.group_id} in the EC2 console](https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#SecurityGroup:groupId=${n.attributes.group_id})`);
    expect(c.content.nextSteps[1]).toContain(`cloudtrailv2/home?region=eu-west-1#/events/${event().eventId}`);
    expect(c.content.keywords).toEqual(['medium', 'drift', 'reverted', n.attributes.group_id]);
    expect(c.metadata).toMatchObject({ eventType: 'sg-guardian.drift.reverted', threadId: `sg-guardian/drift/${n.attributes.group_id}`, relatedResources: [`arn:aws:ec2:eu-west-1:111122223333:security-group/${n.attributes.group_id}`] });
  });

  it('attack: a rule description, session name or user agent written as a link does not become one in chat (the e-mail keeps the text)', () => {
    const e = event();
    const phish = '[Reset your MFA](https://evil.example/login) <https://evil.example|Security team>';
    const attacker = { ...e, userAgent: phish, actor: { ...e.actor, arn: `arn:aws:sts::${e.accountId}:assumed-role/ops/[urgent](https://evil.example)` } };
    const n = renderDriftNotification({ event: attacker, groupId: e.groupId!, outcome: 'reverted', severity: 'medium', undone: [`remove ingress tcp 22 from 0.0.0.0/0 "${phish}"`], problems: [], notes: [] });
    expect(n.message).toContain(phish);
    const c = chatNotification(n, ctx);
    for (const text of [c.content.title, c.content.description, c.metadata.summary]) {
      expect(text).not.toMatch(/\[[^\]]*\]\(/);
      expect(text).not.toMatch(/<https?:/);
      expect(text).not.toContain('|Security team');
    }
    expect(c.content.description).toContain('［Reset your MFA］(https://evil.example/login)');
    // Only sg-guardian's own links are links.
    expect(c.content.nextSteps.filter((l) => l.includes('](')).every((l) => /\]\(https:\/\/eu-west-1\.console\.aws\.amazon\.com\//.test(l))).toBe(true);
  });

  it('console hosts per partition', () => {
    expect(consoleHost('aws', 'us-east-1')).toBe('us-east-1.console.aws.amazon.com');
    expect(consoleHost('aws-cn', 'cn-north-1')).toBe('console.amazonaws.cn');
    expect(consoleHost('aws-us-gov', 'us-gov-west-1')).toBe('console.amazonaws-us-gov.com');
  });

  it('the Publish message: default is the text byte for byte, http and https the chat JSON', () => {
    const n = drift();
    const { message, structured } = messageBodies(n, ctx);
    expect(structured).toBe(true);
    const bodies = JSON.parse(message) as Record<string, string>;
    expect(Object.keys(bodies).sort()).toEqual(['default', 'http', 'https']);
    expect(bodies.default).toBe(n.message);
    expect(bodies.https).toBe(bodies.http);
    expect((JSON.parse(bodies.https!) as { source: string }).source).toBe('custom');
  });

  it('a message too large for the chat copies falls back to the text alone (no MessageStructure)', () => {
    const n = { ...drift(), message: 'x'.repeat(MESSAGE_MAX_BYTES - 100) };
    expect(messageBodies(n, ctx)).toEqual({ message: n.message, structured: false });
  });

  it('cuts a long description and says where the whole text is', () => {
    const n = { ...drift(), message: 'line\n'.repeat(2000) };
    const c = chatNotification(n, ctx);
    expect(c.content.description.length).toBeLessThanOrEqual(3_500);
    expect(c.content.description).toMatch(/the e-mail carries the whole text\)$/);
  });
});

describe('settings.securityHub', () => {
  it('is off by default and needs the default product ARN when on', () => {
    expect(parseSettings('{}').securityHub).toEqual({ enabled: false });
    expect(parseSettings(JSON.stringify({ securityHub: { enabled: true, productArn: PRODUCT } })).securityHub).toEqual({ enabled: true, productArn: PRODUCT });
    expect(() => parseSettings(JSON.stringify({ securityHub: { enabled: true } }))).toThrow(DecodeError);
    expect(() => parseSettings(JSON.stringify({ securityHub: { enabled: true } }))).toThrow(/securityHub\.productArn/);
    expect(() => parseSettings(JSON.stringify({ securityHub: { enabled: true, productArn: 'arn:aws:securityhub:eu-west-1::product/aws/guardduty' } }))).toThrow(/default Security Hub product/);
    expect(() => parseSettings(JSON.stringify({ securityHub: { enabled: true, productArn: PRODUCT, extra: 1 } }))).toThrow(/extra|unrecognized/i);
  });
});

describe("README's message examples are what the builders render", () => {
  // The README shows the stratus sample's revert as if recorded in eu-west-1.
  const e = event({ accountId: '032092706103', region: 'eu-west-1' });
  const n = renderDriftNotification({ event: e, groupId: e.groupId!, outcome: 'reverted', severity: 'medium', undone: e.createdRules.map((r) => `remove ${describeRule(r)}`), problems: [], notes: [] });
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Notifications, chat and Security Hub'), readme.indexOf('## How it works'));

  it('the e-mail text and subject', () => {
    expect(section).toContain(`An e-mail (subject \`${n.subject}\`):\n\n\`\`\`text\n${n.message}\n\`\`\``);
  });

  it('the chat JSON', () => {
    const block = /receives it in the SNS envelope's `Message`:\n\n```json\n([\s\S]*?)\n```/.exec(section)?.[1];
    expect(JSON.parse(block!)).toEqual(chatNotification(n, { partition: 'aws', region: 'eu-west-1', accountId: e.accountId }));
  });
});
