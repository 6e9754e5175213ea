// The drift shell reads the group only when the plan depends on it (observedGroupNeeds): planning
// with what it reads must give exactly the plan made with the full group, on every real CloudTrail
// sample and a ModifySecurityGroupRules event, under settings that guard by ID, by tag or all.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ObservedGroup } from '../../lambda-src/core/model.js';
import { decodeCloudTrail, type DecodedCloudTrailEvent } from '../../lambda-src/events/cloudtrail.js';
import { observedGroupNeeds, planDrift } from '../../lambda-src/plan/drift.js';
import { parseSettings } from '../../lambda-src/policy/settings.js';

const SAMPLES = new URL('../fixtures/samples/', import.meta.url);
const samples = readdirSync(SAMPLES)
  .filter((n) => n.startsWith('cloudtrail-') || n.startsWith('eventbridge-AuthorizeSecurityGroup'))
  .map((n) => decodeCloudTrail({ body: JSON.parse(readFileSync(new URL(n, SAMPLES), 'utf8')) })!);
const modify: DecodedCloudTrailEvent = {
  ...samples.find((e) => e.groupId && e.eventName === 'AuthorizeSecurityGroupIngress')!,
  eventName: 'ModifySecurityGroupRules',
  permissions: [],
  createdRules: [],
  requestRuleIds: ['sgr-00000000000000001', 'sgr-00000000000000002'],
  modifiedRules: [
    { ruleId: 'sgr-00000000000000001', request: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' } },
    { ruleId: 'sgr-00000000000000002', request: { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '0.0.0.0/0' } },
  ],
};
const events = [...samples, modify];

const groupOf = (e: DecodedCloudTrailEvent, tags: Record<string, string>): ObservedGroup => {
  const groupId = e.groupId ?? e.createdRules[0]?.groupId ?? 'sg-0123456789abcdef0';
  return {
    groupId,
    ...(e.groupName ? { groupName: e.groupName } : {}),
    tags,
    rules: [{ ruleId: 'sgr-00000000000000002', groupId, direction: 'egress', protocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0' }],
  };
};

const guard = { key: 'sg-guardian:guard', value: 'true' };
// Some samples are sanitised to IDs like sg-1, which settings refuse: list a valid stand-in then.
const listable = (e: DecodedCloudTrailEvent) => (e.groupId && /^sg-[0-9a-f]{8,17}$/.test(e.groupId) ? e.groupId : 'sg-0123456789abcdef0');
const variants = (e: DecodedCloudTrailEvent) => [
  {},
  { drift: { guardTag: guard } },
  { drift: { guardTag: guard, guardedGroupIds: [listable(e)] } },
  { drift: { guardedGroupIds: ['sg-0123456789abcdef0'] } },
  { drift: { guardTag: guard, guardEgress: false } },
  { drift: { guardTag: guard, allowedPrincipalArns: [e.actor.roleArn ?? e.actor.arn] } },
];

describe('observedGroupNeeds', () => {
  it('plans with what is read exactly as with the full group', () => {
    const reads = { none: 0, group: 0, rules: 0 };
    for (const e of events) {
      for (const doc of variants(e)) {
        const settings = parseSettings(JSON.stringify(doc));
        const needs = observedGroupNeeds(e, settings);
        reads[needs.rules ? 'rules' : needs.group ? 'group' : 'none']++;
        for (const tags of [{}, { [guard.key]: guard.value }]) {
          const full = groupOf(e, tags);
          const read = needs.group ? (needs.rules ? full : { ...full, rules: [] }) : undefined;
          expect(planDrift(e, { settings, ...(read ? { observedGroup: read } : {}) }), `${e.eventName} ${e.eventId} ${JSON.stringify(doc)}`).toEqual(
            planDrift(e, { settings, observedGroup: full }),
          );
        }
      }
    }
    // Each answer occurs: the comparison above covers skipped reads, tag-only reads and full reads.
    expect(Object.values(reads).every((n) => n > 0)).toBe(true);
  });

  it('reads tags (no rules) for a tag-guarded authorize, nothing for an allowed principal or a listed group', () => {
    const e = samples.find((x) => x.groupId && x.eventName === 'AuthorizeSecurityGroupIngress' && !x.failed)!;
    expect(observedGroupNeeds(e, parseSettings(JSON.stringify({ drift: { guardTag: guard } })))).toEqual({ group: true, rules: false });
    expect(observedGroupNeeds(e, parseSettings(JSON.stringify({ drift: { guardTag: guard, allowedPrincipalArns: [e.actor.roleArn ?? e.actor.arn] } })))).toEqual({ group: false, rules: false });
    expect(observedGroupNeeds(e, parseSettings(JSON.stringify({ drift: { guardTag: guard, guardedGroupIds: [listable(e)] } })))).toEqual({ group: false, rules: false });
    expect(observedGroupNeeds(modify, parseSettings('{}'))).toEqual({ group: true, rules: true });
  });
});
