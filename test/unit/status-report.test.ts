// sg-guardian status, pure: the report from what was read (groups, records, feeds, waivers), its
// JSON contract (the zod schema and the committed JSON Schema file agree), and the table.
import fs from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import type { ObservedGroup, SecurityGroupRule } from '../../lambda-src/core/model.js';
import type { GroupRecord } from '../../lambda-src/core/state.js';
import { parseSettings } from '../../lambda-src/policy/settings.js';
import { StatusReportSchema, buildReport, feedStatus, groupsToRead, scopeStatus, unreadScope } from '../../lambda-src/cli/status-report.js';
import { statusScopes } from '../../lambda-src/cli/status.js';
import { renderStatus } from '../../lambda-src/cli/status-render.js';

const G = 'sg-0123456789abcdef0';
const H = 'sg-0aaaaaaaaaaaaaaa1';
const U = 'sg-0bbbbbbbbbbbbbbb2';
const NOW = new Date('2026-12-01T12:00:00Z');
const WAIVER = { groupId: G, protocol: 'tcp', fromPort: 8443, toPort: 8443, source: '198.51.100.7/32', expires: '2026-12-03T12:00:00Z', reason: 'vendor debugging', owner: 'alice@example.com' };
const rule = (groupId: string, ruleId: string, port: number, cidr: string): SecurityGroupRule => ({ ruleId, groupId, direction: 'ingress', protocol: 'tcp', fromPort: port, toPort: port, cidrIpv4: cidr });
const group = (groupId: string, tags: Record<string, string>, ...rules: SecurityGroupRule[]): ObservedGroup => ({ groupId, groupName: `name-${groupId.slice(-2)}`, tags, rules });
const record = (groupId: string, rules: SecurityGroupRule[], unexplained: Record<string, string> = {}): GroupRecord => ({
  accountId: '111122223333', region: 'eu-west-1', groupId, version: 1, baseline: rules.map(({ groupId: _g, ...b }) => b), enrolledAt: '2026-11-01T00:00:00Z', updatedBy: 'enrolment', updatedAt: '2026-11-01T00:00:00Z', unexplained,
});
const settings = parseSettings(JSON.stringify({ drift: { guardTag: { key: 'guard', value: 'true' } }, worldOpen: { scopeTag: { key: 'public', value: 'no' } }, waivers: [WAIVER], feeds: { aws: { enabled: true }, targets: { prefixLists: { aws: { ipv4: 'pl-0123456789abcdef0' } } } } }));

describe('status report', () => {
  const web = rule(G, 'sgr-web', 443, '10.0.0.0/8');
  const vendor = rule(G, 'sgr-vendor', 8443, '198.51.100.7/32');
  const ssh = rule(H, 'sgr-ssh', 22, '0.0.0.0/0');
  const groups = [group(G, { guard: 'true' }, web, vendor), group(H, { guard: 'true', public: 'no' }, rule(H, 'sgr-h', 443, '10.0.0.0/8'), ssh), group(U, {}, rule(U, 'sgr-u', 22, '0.0.0.0/0'))];
  const records = [record(G, [web]), record(H, [rule(H, 'sgr-h', 443, '10.0.0.0/8')], { 'extra:ingress|tcp|22-22|v4:0.0.0.0/0': '2026-12-01T11:55:00Z' }), record('sg-0ccccccccccccccc3', [web])];

  it('reads only the groups in scope, and reports drift, waived rules, missing groups, world-open rules and waivers', () => {
    expect(groupsToRead(groups, records, settings).map((g) => g.groupId)).toEqual([G, H]);
    const scope = scopeStatus({ accountId: '111122223333', region: 'eu-west-1', groups: groups.slice(0, 2), records }, settings, NOW);
    expect(scope.groups.map((g) => [g.groupId, g.state])).toEqual([[G, 'in-sync'], [H, 'drift'], ['sg-0ccccccccccccccc3', 'missing']]);
    expect(scope.groups[0]!.waived).toEqual(['ingress tcp 8443 from 198.51.100.7/32 [sgr-vendor]: waived until 2026-12-03T12:00:00Z, reason vendor debugging, owner alice@example.com']);
    expect(scope.groups[1]!.differences).toEqual([{ kind: 'extra', rule: 'ingress tcp 22 from 0.0.0.0/0 [sgr-ssh]', unexplainedSince: '2026-12-01T11:55:00Z' }]);
    expect(scope.worldOpen).toEqual([{ groupId: H, rule: 'ingress tcp 22 from 0.0.0.0/0 [sgr-ssh]', why: 'tcp 22 is not inside the authorized TCP ports (443)' }]);
    expect(scope.waivers).toEqual([{ groupId: G, rule: 'ingress tcp 8443 from 198.51.100.7/32', expires: WAIVER.expires, reason: 'vendor debugging', owner: 'alice@example.com', state: 'active', secondsLeft: 172800, inUse: true }]);
    expect(scope.inDesiredState).toBe(false);
  });

  it('an expired waiver makes its rule drift (the next sweep reverts it)', () => {
    const later = new Date('2026-12-04T00:00:00Z');
    const scope = scopeStatus({ accountId: '111122223333', region: 'eu-west-1', groups: [groups[0]!], records: [records[0]!] }, settings, later);
    expect(scope.groups[0]).toMatchObject({ state: 'drift', differences: [{ kind: 'extra', rule: 'ingress tcp 8443 from 198.51.100.7/32 [sgr-vendor]', waiverExpired: WAIVER.expires }], waived: [] });
    expect(scope.waivers[0]).toMatchObject({ state: 'expired', secondsLeft: -43200 });
  });

  it('feeds: applied vs published, by the hash of the selected set', () => {
    const applied = { feed: 'aws', version: 2, syncToken: '1720490589', hash: 'abc', appliedAt: '2026-12-01T00:00:00Z' };
    expect(feedStatus({ feed: 'aws', record: applied, published: { syncToken: '1720490589', hash: 'abc' } }, settings)).toMatchObject({ state: 'in-sync', targets: ['pl-0123456789abcdef0'] });
    expect(feedStatus({ feed: 'aws', record: applied, published: { syncToken: '1720494189', hash: 'def' } }, settings).state).toBe('behind');
    expect(feedStatus({ feed: 'aws', record: undefined, published: { hash: 'def' } }, settings).state).toBe('never-applied');
    expect(feedStatus({ feed: 'aws', record: applied, error: 'HTTP 503' }, settings)).toMatchObject({ state: 'unreadable', error: 'HTTP 503' });
  });

  it('validates against its schema, and the committed JSON Schema file is the schema', () => {
    const scope = scopeStatus({ accountId: '111122223333', region: 'eu-west-1', groups: groups.slice(0, 2), records }, settings, NOW);
    const report = buildReport([scope], [feedStatus({ feed: 'aws', record: undefined, published: { hash: 'def' } }, settings)], NOW);
    expect(StatusReportSchema.parse(report)).toEqual(report);
    expect(report.summary).toBe('OUT of desired state: 2 group(s) out of their desired state; 1 feed(s) not in sync (aws: never-applied); 1 world-open rule(s) in scope');
    const file = path.resolve(import.meta.dirname, '../../schemas/status-report.schema.json');
    const generated = JSON.stringify(z.toJSONSchema(StatusReportSchema), null, 2) + '\n';
    if (process.env.SG_GUARDIAN_WRITE_SCHEMA === '1') fs.writeFileSync(file, generated);
    expect(fs.readFileSync(file, 'utf8'), 'regenerate with SG_GUARDIAN_WRITE_SCHEMA=1 npx vitest run --project unit test/unit/status-report.test.ts').toBe(generated);
  });

  it('renders one table per section, continuation lines for several differences, and the result', () => {
    const scope = scopeStatus({ accountId: '111122223333', region: 'eu-west-1', groups: groups.slice(0, 2), records }, settings, NOW);
    const text = renderStatus(buildReport([scope], [], NOW));
    expect(text).toContain('== 111122223333 / eu-west-1 ==');
    expect(text).toMatch(/ {2}GROUP {17}NAME {5}STATE {4}BASELINE {2}OBSERVED {2}DIFFERENCES\n/);
    expect(text).toMatch(/sg-0aaaaaaaaaaaaaaa1 +name-a1 +DRIFT +1 +2 +extra ingress tcp 22 from 0\.0\.0\.0\/0 \[sgr-ssh\] \(unexplained since 2026-12-01T11:55:00Z\)/);
    expect(text).toMatch(/sg-0123456789abcdef0 +name-f0 +in sync +1 +2 +kept ingress tcp 8443/);
    expect(text).toMatch(/sg-0ccccccccccccccc3 +MISSING +1 +- +-/);
    expect(text).toMatch(/sg-0123456789abcdef0 +ingress tcp 8443 from 198\.51\.100\.7\/32 +2026-12-03T12:00:00Z \(2d left\) +active +yes +alice@example\.com +vendor debugging/);
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^Result: OUT of desired state/);
  });
});

describe('status over an organization (scopes, unread scopes)', () => {
  const org = parseSettings(
    JSON.stringify({
      selfRoleArn: 'arn:aws-us-gov:iam::111122223333:role/sg-guardian',
      organization: { memberRoleName: 'sg-guardian-member', targets: [{ accountId: '444455556666', regions: ['us-gov-west-1', 'us-gov-east-1'] }, { accountId: '111122223333', regions: ['us-gov-east-1'] }] },
    }),
  );
  const home = { accountId: '111122223333', region: 'us-gov-west-1' };

  it("home and the hub's extra regions with the operator's credentials; member accounts through --role-name, in the function's partition", () => {
    const made: string[] = [];
    const scopes = statusScopes(org, home, 'ops-audit', (region, roleArn) => {
      made.push(`${region} ${roleArn ?? 'own'}`);
      return {} as never;
    });
    expect(scopes.map((s) => `${s.accountId}/${s.region}${s.member ? ' member' : ''}`)).toEqual(['111122223333/us-gov-west-1', '444455556666/us-gov-west-1 member', '444455556666/us-gov-east-1 member', '111122223333/us-gov-east-1']);
    expect(made).toEqual(['us-gov-west-1 own', 'us-gov-west-1 arn:aws-us-gov:iam::444455556666:role/ops-audit', 'us-gov-east-1 arn:aws-us-gov:iam::444455556666:role/ops-audit', 'us-gov-east-1 own']);
  });

  it('without a role name the member scopes are listed unread, and an unread scope is never "in desired state"', () => {
    const scopes = statusScopes(org, home, undefined, () => ({}) as never);
    expect(scopes.filter((s) => s.unread).map((s) => s.region)).toEqual(['us-gov-west-1', 'us-gov-east-1']);
    const report = buildReport([unreadScope('444455556666', 'us-gov-west-1', 'a member account: pass --role-name')], [], NOW);
    expect(report.inDesiredState).toBe(false);
    expect(report.summary).toBe('OUT of desired state: 1 scope(s) not read (444455556666 / us-gov-west-1)');
    expect(StatusReportSchema.parse(report)).toEqual(report);
    expect(renderStatus(report)).toContain('== 444455556666 / us-gov-west-1 ==\n\nNOT READ: a member account: pass --role-name');
  });
});
