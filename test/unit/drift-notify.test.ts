// The drift notification: subject, body and attributes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Direction, IpPermission } from '../../lambda-src/core/model.js';
import { decodeCloudTrail } from '../../lambda-src/events/cloudtrail.js';
import type { CloudTrailEvent } from '../../lambda-src/events/guard-event.js';
import { actorName, describePermission, describeRule, fitSubject, renderDriftNotification, type DriftNotice } from '../../lambda-src/notify/drift.js';

const SAMPLES = new URL('../fixtures/samples/', import.meta.url);
const sample = (name: string): CloudTrailEvent => decodeCloudTrail({ body: JSON.parse(readFileSync(new URL(name, SAMPLES), 'utf8')) })!;
const NUVIBIT = 'eventbridge-AuthorizeSecurityGroupIngress-console-0-65535-with-securityGroupRuleSet_nuvibit-blog.json';
const STRATUS = 'cloudtrail-raw-AuthorizeSecurityGroupIngress-flat-cidrIp-form-with-securityGroupRuleSet_stratus-red-team.json';

const notice = (event: CloudTrailEvent, over: Partial<DriftNotice> = {}): DriftNotice => ({
  event,
  groupId: event.groupId,
  outcome: 'reverted',
  severity: 'medium',
  undone: event.createdRules.map((r) => `remove ${describeRule(r)}`),
  problems: [],
  notes: [],
  ...over,
});

describe('renderDriftNotification', () => {
  it('names action, call, group and actor in the subject (stratus sample, IAM user)', () => {
    expect(renderDriftNotification(notice(sample(STRATUS))).subject).toBe('Reverted AuthorizeSecurityGroupIngress on sg-003dc7f1f1c686164 by christophe');
  });

  it('keeps a long assumed-role subject within 100 characters by naming the session only (nuvibit sample)', () => {
    const { subject } = renderDriftNotification(notice(sample(NUVIBIT)));
    expect(subject).toBe('Reverted AuthorizeSecurityGroupIngress on sg-b0673be3 by michael.ullrich@nuvibit.com');
  });

  it('truncates what still does not fit, on one line', () => {
    const event = { ...sample(STRATUS), actor: { type: 'IAMUser', arn: `arn:aws:iam::032092706103:user/${'x'.repeat(120)}` } };
    const { subject } = renderDriftNotification(notice(event));
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).toMatch(/^Reverted AuthorizeSecurityGroupIngress on sg-003dc7f1f1c686164 by x+\.\.\.$/);
  });

  it('lists actor, source IP, user agent, time, account/region, the rules undone and the event ID', () => {
    const { message } = renderDriftNotification(notice(sample(NUVIBIT)));
    for (const fact of [
      'arn:aws:sts::626708301729:assumed-role/AWSReservedSSO_AdministratorAccess_1f51a532758ff888/michael.ullrich@nuvibit.com',
      'role arn:aws:iam::626708301729:role/aws-reserved/sso.amazonaws.com/eu-central-1/AWSReservedSSO_AdministratorAccess_1f51a532758ff888',
      'Source IP:  194.230.147.5',
      'User agent: console.ec2.amazonaws.com',
      'Event time: 2021-11-04T15:56:41Z',
      'Account:    626708301729 / eu-west-1',
      'ed2b58c7-5b71-49d8-9f26-66b695f0e2a7',
      'remove ingress tcp all ports (0-65535) from 0.0.0.0/0 [sgr-0c609e6f9cdaf10ea]',
    ]) {
      expect(message).toContain(fact);
    }
  });

  it.each([
    ['reverted', 'medium', /^sg-guardian reverted /],
    ['would-revert', 'medium', /^DRY RUN: sg-guardian would revert .*No change was made\./],
    ['revert-incomplete', 'high', /^sg-guardian could not fully revert /],
  ] as const)('%s: attributes and lead', (outcome, severity, lead) => {
    const action = renderDriftNotification(notice(sample(STRATUS), { outcome, severity, problems: outcome === 'revert-incomplete' ? ['cannot restore sgr-1'] : [] }));
    expect(action).toMatchObject({
      type: 'notify',
      severity,
      attributes: { kind: 'drift', action: outcome, severity, group_id: 'sg-003dc7f1f1c686164', event_name: 'AuthorizeSecurityGroupIngress' },
    });
    expect(action.message).toMatch(lead);
  });

  it('shows the problems and notes sections only when there are some', () => {
    const plain = renderDriftNotification(notice(sample(STRATUS))).message;
    expect(plain).not.toMatch(/Not undone:|Notes:/);
    const full = renderDriftNotification(notice(sample(STRATUS), { problems: ['cannot restore sgr-1: revoked by ID'], notes: ['treated as guarded'] })).message;
    expect(full).toContain('Not undone:\n  - cannot restore sgr-1: revoked by ID');
    expect(full).toContain('Notes:\n  - treated as guarded');
  });

  it('names the group by name when its ID is unknown, and sets no group_id', () => {
    const event = { ...sample(STRATUS), groupId: undefined, groupName: 'default' };
    const action = renderDriftNotification(notice(event, { groupId: undefined, outcome: 'revert-incomplete', severity: 'high' }));
    expect(action.subject).toContain('on group named default');
    expect(action.attributes).not.toHaveProperty('group_id');
  });
});

describe('describing rules', () => {
  it.each<[IpPermission, Direction, string]>([
    [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }, 'egress', 'egress all traffic to 0.0.0.0/0'],
    [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 81, Ipv6Ranges: [{ CidrIpv6: '::/0', Description: 'web' }] }, 'ingress', 'ingress tcp 80-81 from ::/0 "web"'],
    [{ IpProtocol: 'icmp', FromPort: 8, ToPort: -1, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }, 'ingress', 'ingress icmp type 8 all codes from 10.0.0.0/8'],
    [{ IpProtocol: '58', IpRanges: [{ CidrIp: '10.0.0.0/8' }] }, 'ingress', 'ingress icmpv6 all types from 10.0.0.0/8'],
    [{ IpProtocol: '47', PrefixListIds: [{ PrefixListId: 'pl-1' }] }, 'ingress', 'ingress protocol 47 (all ports) from prefix list pl-1'],
  ])('%j (%s) -> %s', (permission, direction, line) => {
    expect(describePermission(permission, direction)).toEqual([line]);
  });
});

describe('fitSubject and actorName', () => {
  it('removes line breaks and control characters', () => {
    expect(fitSubject('Reverted\nthing\u0007 now')).toBe('Reverted thing now');
  });

  it('never splits a surrogate pair', () => {
    const cut = fitSubject('😀'.repeat(120), 10);
    expect(Array.from(cut)).toHaveLength(10);
    expect(cut).toBe(`${'😀'.repeat(7)}...`);
  });

  it.each([
    [{ type: 'IAMUser', arn: 'arn:aws:iam::1:user/ops/alice' }, 'alice', 'alice'],
    [{ type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/Admin/alice' }, 'Admin/alice', 'alice'],
    [{ type: 'Root', arn: 'arn:aws:iam::1:root' }, 'root', 'root'],
    [{ type: 'AWSService', arn: 'cloudformation.amazonaws.com', invokedBy: 'cloudformation.amazonaws.com' }, 'cloudformation.amazonaws.com', 'cloudformation.amazonaws.com'],
  ])('%j -> %s / %s', (actor, full, short) => {
    expect(actorName(actor)).toBe(full);
    expect(actorName(actor, 'short')).toBe(short);
  });
});
