// Dry run is per capability (settings.dryRun.drift / worldOpen / feeds): the drift guard rehearses
// ("would revert", no EC2 mutation, no baseline written) while a feed still applies. Unit-level:
// runEvent with the in-memory state store, a fake EC2 client that records every call, and an
// injected feed fetcher (on the emulator this needs a second apply, so it lives here).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../lambda-src/core/memory-state.js';
import type { Ec2 } from '../../lambda-src/aws/ec2.js';
import type { Sns } from '../../lambda-src/aws/sns.js';
import { parseSettings } from '../../lambda-src/policy/settings.js';
import { runEvent } from '../../lambda-src/runtime/run.js';

const S = path.resolve(import.meta.dirname, '../fixtures/samples');
const json = (n: string) => JSON.parse(fs.readFileSync(path.join(S, n), 'utf8')) as unknown;
const text = (n: string) => fs.readFileSync(path.join(S, n));

const GROUP = 'sg-b0673be3';
const LIST = 'pl-0123456789abcdef0';
const TOPIC = 'arn:aws:sns:eu-west-1:626708301729:sg-guardian';

/** A fake EC2: one guarded group holding the rule the sample event added, one empty IPv4 prefix list. */
function fakeEc2() {
  const calls: { name: string; input: Record<string, unknown> }[] = [];
  const client = {
    send: (cmd: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = cmd.constructor.name.replace(/Command$/, '');
      calls.push({ name, input: cmd.input });
      switch (name) {
        case 'DescribeSecurityGroups': {
          const wanted = (cmd.input.GroupIds as string[] | undefined)?.includes(GROUP);
          return Promise.resolve({ SecurityGroups: wanted ? [{ GroupId: GROUP, GroupName: 'web', VpcId: 'vpc-0123456789abcdef0', OwnerId: '626708301729', Tags: [] }] : [] });
        }
        case 'DescribeSecurityGroupRules':
          return Promise.resolve({
            SecurityGroupRules: [
              { SecurityGroupRuleId: 'sgr-0c609e6f9cdaf10ea', GroupId: GROUP, GroupOwnerId: '626708301729', IsEgress: false, IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, CidrIpv4: '0.0.0.0/0' },
            ],
          });
        case 'DescribeManagedPrefixLists':
          return Promise.resolve({ PrefixLists: [{ PrefixListId: LIST, Version: 1, MaxEntries: 30, AddressFamily: 'IPv4', State: 'create-complete', Tags: [] }] });
        case 'GetManagedPrefixListEntries':
          return Promise.resolve({ Entries: [] });
        default:
          return Promise.resolve({});
      }
    },
  };
  return { ec2: client as unknown as Ec2, calls };
}

function fakeSns() {
  const published: { subject: string; message: string; attributes: Record<string, unknown> }[] = [];
  const client = {
    send: (cmd: { input: { Subject?: string; Message?: string; MessageAttributes?: Record<string, unknown> } }) => {
      published.push({ subject: cmd.input.Subject ?? '', message: cmd.input.Message ?? '', attributes: cmd.input.MessageAttributes ?? {} });
      return Promise.resolve({ MessageId: `m-${published.length}` });
    },
  };
  return { sns: client as unknown as Sns, published };
}

const fetchFeed = (url: string) =>
  Promise.resolve(
    new Uint8Array(
      url.endsWith('v4')
        ? text('cloudflare-ips-v4_2021-11_wget-raw-no-trailing-newline_plug_cloudflare.txt')
        : text('cloudflare-ips-v6_2021-11_wget-raw-no-trailing-newline_plug_cloudflare.txt'),
    ),
  );

const MUTATING = /^(Authorize|Revoke|Modify|CreateTags)/;

describe('dry run per capability (unit: in-memory state, fake EC2, injected fetcher)', () => {
  const settings = parseSettings(
    JSON.stringify({
      dryRun: { drift: true, worldOpen: true, feeds: false },
      notifications: { topicArn: TOPIC },
      drift: { guardedGroupIds: [GROUP] },
      worldOpen: { enabled: false, sweep: false },
      feeds: { cloudflare: { enabled: true, ipv4Url: 'https://feeds.example/ips-v4', ipv6Url: 'https://feeds.example/ips-v6' }, targets: { prefixLists: { cloudflare: { ipv4: LIST } } } },
      state: { tableName: 'sg-guardian-state' },
    }),
  );

  it('the drift guard rehearses an unauthorized change: no EC2 mutation, no baseline, a "would revert" notification', async () => {
    const { ec2, calls } = fakeEc2();
    const { sns, published } = fakeSns();
    const state = new MemoryStateStore();
    const run = await runEvent(json('eventbridge-AuthorizeSecurityGroupIngress-console-0-65535-with-securityGroupRuleSet_nuvibit-blog.json'), settings, {
      ec2,
      sns,
      fetch: fetchFeed,
      state,
      log: () => undefined,
    });
    expect(calls.filter((c) => MUTATING.test(c.name))).toEqual([]);
    expect(run.actions.some((a) => a.type === 'revoke-ingress')).toBe(false);
    expect(await state.getGroup({ accountId: '626708301729', region: 'eu-west-1', groupId: GROUP })).toBeUndefined();
    expect(published).toHaveLength(1);
    expect(published[0]!.subject).toMatch(/would revert/i);
  });

  it('the same settings still apply the Cloudflare feed to its prefix list on the schedule', async () => {
    const { ec2, calls } = fakeEc2();
    const { sns, published } = fakeSns();
    const run = await runEvent(json('eventbridge-scheduled-event_custodian.json'), settings, { ec2, sns, fetch: fetchFeed, state: new MemoryStateStore(), log: () => undefined });
    const modify = calls.filter((c) => c.name === 'ModifyManagedPrefixList');
    expect(modify).toHaveLength(1);
    expect(modify[0]!.input.PrefixListId).toBe(LIST);
    expect((modify[0]!.input.AddEntries as unknown[]).length).toBeGreaterThan(10);
    // The drift sweep in the same run only rehearses: nothing of the guarded group is touched.
    expect(calls.filter((c) => MUTATING.test(c.name) && JSON.stringify(c.input).includes(GROUP))).toEqual([]);
    expect(run.results.find((r) => r.action.type === 'modify-prefix-list')?.status).toBe('done');
    const feedNotice = published.find((p) => /cloudflare/i.test(p.subject));
    expect(feedNotice?.subject).not.toMatch(/DRY RUN/);
  });

  it('feeds in dry run: no prefix-list write, and the notification says nothing was changed', async () => {
    const { ec2, calls } = fakeEc2();
    const { sns, published } = fakeSns();
    const rehearsing = { ...settings, dryRun: { drift: false, worldOpen: false, feeds: true } };
    await runEvent(json('eventbridge-scheduled-event_custodian.json'), rehearsing, { ec2, sns, fetch: fetchFeed, state: new MemoryStateStore(), log: () => undefined });
    expect(calls.filter((c) => c.name === 'ModifyManagedPrefixList' || c.name === 'CreateTags')).toEqual([]);
    const feedNotice = published.find((p) => /cloudflare/i.test(p.subject));
    expect(feedNotice?.subject).toMatch(/^DRY RUN \(nothing changed\): /);
    expect(feedNotice?.message).toMatch(/NOT made/);
  });

  it('refuses the old single boolean, naming the per-capability shape', () => {
    expect(() => parseSettings(JSON.stringify({ dryRun: true }))).toThrow(/dryRun: is per capability: \{ "drift": bool, "worldOpen": bool, "feeds": bool \}/);
  });
});
