// Where an organization hub acts (pure): partition-aware member role ARNs, the scopes it sweeps,
// the member role's changes as its own, and which events it acts on — a member account forging an
// event for another account on the hub bus is refused by the EventBridge sender check.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../lambda-src/events/decode.js';
import type { CloudTrailEvent } from '../../lambda-src/events/guard-event.js';
import { configEventScope, eventScope, isOwnActor, memberRoleArn, memberRoleArns, partitionOf, scopesOf } from '../../lambda-src/policy/organization.js';
import { parseSettings } from '../../lambda-src/policy/settings.js';
import { reconcileDriftEvent } from '../../lambda-src/reconcile/drift.js';

const HUB = '999999999999';
const A = '111111111111';
const B = '222222222222';
const home = { accountId: HUB, region: 'us-east-1' };
const settings = parseSettings(
  JSON.stringify({
    selfRoleArn: `arn:aws:iam::${HUB}:role/sg-guardian`,
    organization: { targets: [{ accountId: A, regions: ['us-east-1', 'eu-west-1'] }, { accountId: B, regions: ['eu-west-1'] }, { accountId: HUB, regions: ['eu-west-1'] }] },
  }),
);
const single = parseSettings(JSON.stringify({ selfRoleArn: `arn:aws:iam::${HUB}:role/sg-guardian` }));

const sample = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, '../fixtures/samples/eventbridge-AuthorizeSecurityGroupIngress-console-0-65535-with-securityGroupRuleSet_nuvibit-blog.json'), 'utf8'),
) as { account: string; region: string; detail: Record<string, unknown> & { userIdentity: Record<string, unknown> } };

/** The real EventBridge sample, as recorded in `account`/`region` and delivered (envelope) by `sender`. */
function delivered(account: string, region: string, sender = account, senderRegion = region): CloudTrailEvent {
  const e = structuredClone(sample);
  e.account = sender;
  e.region = senderRegion;
  e.detail.recipientAccountId = account;
  e.detail.awsRegion = region;
  return decodeEvent(e) as CloudTrailEvent;
}

describe('partition-aware ARNs', () => {
  it.each([
    ['arn:aws:iam::999999999999:role/sg-guardian', 'aws'],
    ['arn:aws-cn:iam::999999999999:role/sg-guardian', 'aws-cn'],
    ['arn:aws-us-gov:iam::999999999999:role/path/sg-guardian', 'aws-us-gov'],
    [undefined, 'aws'],
    ['not-an-arn', 'aws'],
  ])('%s is in partition %s', (arn, partition) => {
    expect(partitionOf(arn)).toBe(partition);
  });

  it('builds the member role ARN in the function role partition', () => {
    expect(memberRoleArn('aws-us-gov', A, 'sg-guardian-member')).toBe(`arn:aws-us-gov:iam::${A}:role/sg-guardian-member`);
    const cn = parseSettings(JSON.stringify({ selfRoleArn: `arn:aws-cn:iam::${HUB}:role/x`, organization: { memberRoleName: 'guard', targets: [{ accountId: A, regions: ['cn-north-1'] }] } }));
    expect(memberRoleArns(cn)).toEqual([`arn:aws-cn:iam::${A}:role/guard`]);
  });
});

describe('scopesOf', () => {
  it('home first, then each enrolled account x region; the hub account own extra regions without a role', () => {
    expect(scopesOf(settings, home)).toEqual([
      { accountId: HUB, region: 'us-east-1', member: false },
      { accountId: A, region: 'us-east-1', member: true },
      { accountId: A, region: 'eu-west-1', member: true },
      { accountId: B, region: 'eu-west-1', member: true },
      { accountId: HUB, region: 'eu-west-1', member: false },
    ]);
  });
  it('single account: home only', () => {
    expect(scopesOf(single, home)).toEqual([{ accountId: HUB, region: 'us-east-1', member: false }]);
  });
});

describe('the member role is the function itself', () => {
  const memberSession = (account: string) => ({ type: 'AssumedRole', arn: `arn:aws:sts::${account}:assumed-role/sg-guardian-member/sg-guardian`, roleArn: `arn:aws:iam::${account}:role/sg-guardian-member` });
  it('in every enrolled account, not in others', () => {
    expect(isOwnActor(memberSession(A), settings)).toBe(true);
    expect(isOwnActor(memberSession(B), settings)).toBe(true);
    expect(isOwnActor(memberSession('333333333333'), settings)).toBe(false);
    expect(isOwnActor(memberSession(A), single)).toBe(false);
    expect(isOwnActor({ type: 'AssumedRole', arn: `arn:aws:sts::${HUB}:assumed-role/sg-guardian/x` }, single)).toBe(true);
  });
  it('its change in a member account plans nothing (no self-trigger)', () => {
    const event = { ...delivered(A, 'eu-west-1'), actor: memberSession(A) };
    const plan = reconcileDriftEvent({ event, settings, observed: undefined, record: undefined, now: new Date() });
    expect(plan.actions).toHaveLength(1);
    expect(plan.actions[0]).toMatchObject({ type: 'ignore' });
    expect((plan.actions[0] as { reason: string }).reason).toMatch(/: made by sg-guardian's member role \(sg-guardian-member\) in 111111111111$/);
  });
});

describe('eventScope (provenance)', () => {
  it('acts on an event from an enrolled account and region in that account, through the member role', () => {
    expect(eventScope(delivered(A, 'eu-west-1'), home, settings)).toEqual({ scope: { accountId: A, region: 'eu-west-1', member: true } });
    expect(eventScope(delivered(HUB, 'eu-west-1'), home, settings)).toEqual({ scope: { accountId: HUB, region: 'eu-west-1', member: false } });
    expect(eventScope(delivered(HUB, 'us-east-1'), home, settings)).toEqual({ scope: { accountId: HUB, region: 'us-east-1', member: false } });
  });

  it('attack: account A puts an event claiming account B on the hub bus: refused (the sender is A)', () => {
    const forged = delivered(B, 'eu-west-1', A);
    expect(eventScope(forged, home, settings)).toEqual({ problem: expect.stringMatching(new RegExp(`delivered by account ${A} but recorded for ${B}.*forged`)) as string });
  });

  it('attack: account A claims the hub account itself: refused', () => {
    expect(eventScope(delivered(HUB, 'us-east-1', A), home, settings)).toMatchObject({ problem: expect.stringMatching(/forged/) as string });
  });

  it('a raw record (no EventBridge sender) for a member account: refused; the same for the home scope still acts', () => {
    const raw = { ...delivered(A, 'eu-west-1') };
    delete raw.eventBridge;
    expect(eventScope(raw, home, settings)).toMatchObject({ problem: expect.stringMatching(/did not come from EventBridge/) as string });
    const rawHome = { ...delivered(HUB, 'us-east-1') };
    delete rawHome.eventBridge;
    expect(eventScope(rawHome, home, settings)).toEqual({ scope: { accountId: HUB, region: 'us-east-1', member: false } });
  });

  it('an account or region not enrolled: refused, naming it', () => {
    expect(eventScope(delivered('333333333333', 'eu-west-1'), home, settings)).toMatchObject({ problem: expect.stringMatching(/333333333333, which is not enrolled/) as string });
    expect(eventScope(delivered(B, 'us-east-1'), home, settings)).toMatchObject({ problem: expect.stringMatching(/222222222222 \/ us-east-1, a region not enrolled/) as string });
  });

  it('single account: anything but home refused as before', () => {
    expect(eventScope(delivered(A, 'us-east-1'), home, single)).toMatchObject({ problem: expect.stringMatching(/but this function guards 999999999999/) as string });
    expect(eventScope(delivered(HUB, 'eu-west-1'), home, single)).toMatchObject({ problem: expect.stringMatching(/but this function guards us-east-1/) as string });
  });
});

describe('configEventScope (AWS Config events forwarded by a spoke)', () => {
  it('home (or no account named): acted on at home as before', () => {
    expect(configEventScope({ accountId: HUB, region: 'us-east-1' }, undefined, home, settings)).toBeUndefined();
    expect(configEventScope({}, undefined, home, settings)).toBeUndefined();
  });
  it('an enrolled member account and region, sent by that account: acted on there', () => {
    expect(configEventScope({ accountId: A, region: 'eu-west-1' }, { account: A, region: 'eu-west-1' }, home, settings)).toEqual({ scope: { accountId: A, region: 'eu-west-1', member: true } });
  });
  it('attack: sent by account A, naming account B (awsAccountId in the detail is the sender\'s to write): refused', () => {
    expect(configEventScope({ accountId: B, region: 'eu-west-1' }, { account: A, region: 'eu-west-1' }, home, settings)).toMatchObject({ problem: expect.stringMatching(/delivered by 111111111111/) as string });
    expect(configEventScope({ accountId: B, region: 'eu-west-1' }, undefined, home, settings)).toMatchObject({ problem: expect.stringMatching(/no EventBridge sender/) as string });
  });
  it('not enrolled: refused; single account: unchanged', () => {
    expect(configEventScope({ accountId: B, region: 'us-east-1' }, { account: B, region: 'us-east-1' }, home, settings)).toMatchObject({ problem: expect.stringMatching(/not enrolled/) as string });
    expect(configEventScope({ accountId: A, region: 'eu-west-1' }, { account: A }, home, single)).toBeUndefined();
  });
});
