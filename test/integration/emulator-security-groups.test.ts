// Proof the harness is real: security-group rules of every source kind go through the emulator's
// EC2 API, and the sg-guardian EC2 adapter is idempotent against it.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupRulesCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { ec2, emulator, uniqueName } from '../support/aws.js';
import { describeGroup, runEc2Action } from '../../lambda-src/aws/ec2.js';

const client = ec2();
let vpcId = '';
let groupId = '';
let peerId = '';
let prefixListId = '';

async function rulesOf(id: string) {
  const res = await client.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [id] }] }));
  return (res.SecurityGroupRules ?? []).filter((r) => !r.IsEgress);
}

beforeAll(async () => {
  console.log(`[security-group tests] emulator kind=${emulator().kind}`);
  // An Amazon-provided IPv6 block: without it some emulators silently keep IPv6 rules on revoke.
  const vpc = await client.send(new CreateVpcCommand({ CidrBlock: '10.42.0.0/16', AmazonProvidedIpv6CidrBlock: true }));
  vpcId = vpc.Vpc!.VpcId!;
  const mk = async (n: string) =>
    (await client.send(new CreateSecurityGroupCommand({ GroupName: uniqueName(n), Description: 'sg-guardian test', VpcId: vpcId }))).GroupId!;
  groupId = await mk('sgg-target');
  peerId = await mk('sgg-peer');
  const pl = await client.send(
    new CreateManagedPrefixListCommand({ PrefixListName: uniqueName('sgg-pl'), AddressFamily: 'IPv4', MaxEntries: 5, Entries: [{ Cidr: '198.51.100.0/24' }] }),
  );
  prefixListId = pl.PrefixList!.PrefixListId!;
});

describe('security groups on the emulator', () => {
  it('authorizes IPv4, IPv6, prefix-list and group-reference rules and describes them with rule IDs', async () => {
    const sources = [
      { IpRanges: [{ CidrIp: '203.0.113.0/24', Description: 'v4' }] },
      { Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32', Description: 'v6' }] },
      { PrefixListIds: [{ PrefixListId: prefixListId, Description: 'pl' }] },
      { UserIdGroupPairs: [{ GroupId: peerId, Description: 'peer' }] },
    ];
    // One permission per call: the emulator returns rule IDs for the last permission only.
    for (const s of sources) {
      const res = await client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, ...s }] }));
      expect(res.SecurityGroupRules?.[0]?.SecurityGroupRuleId).toMatch(/^sgr-/);
    }
    const rules = await rulesOf(groupId);
    expect(rules.map((r) => r.CidrIpv4 ?? r.CidrIpv6 ?? r.PrefixListId ?? r.ReferencedGroupInfo?.GroupId).sort()).toEqual(
      ['203.0.113.0/24', '2001:db8::/32', prefixListId, peerId].sort(),
    );
    expect(rules.every((r) => r.SecurityGroupRuleId?.startsWith('sgr-') && r.FromPort === 443)).toBe(true);

    const observed = await describeGroup(client, groupId);
    expect(observed?.vpcId).toBe(vpcId);
    expect(observed?.rules.filter((r) => r.direction === 'ingress')).toHaveLength(4);
  });

  it('revokes by rule ID and by exact permission', async () => {
    const before = await rulesOf(groupId);
    const v6 = before.find((r) => r.CidrIpv6)!;
    await client.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: [v6.SecurityGroupRuleId!] }));
    await client.send(
      new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '203.0.113.0/24' }] }] }),
    );
    const after = await rulesOf(groupId);
    expect(after.map((r) => r.PrefixListId ?? r.ReferencedGroupInfo?.GroupId).sort()).toEqual([prefixListId, peerId].sort());
  });

  it('the adapter treats Duplicate and NotFound as already done (idempotent)', async () => {
    const perm = { IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '192.0.2.0/24' }], Ipv6Ranges: [{ CidrIpv6: '2001:db8:1::/48' }] };
    const add = { type: 'authorize-ingress' as const, groupId, permissions: [perm], reason: 'test' };
    expect((await runEc2Action(client, add)).status).toBe('done');
    expect((await runEc2Action(client, add)).status).toBe('already');

    const dns = (await rulesOf(groupId)).filter((r) => r.IpProtocol === 'udp');
    expect(dns).toHaveLength(2);
    const del = { type: 'revoke-ingress' as const, groupId, ruleIds: dns.map((r) => r.SecurityGroupRuleId!), reason: 'test' };
    expect((await runEc2Action(client, del)).status).toBe('done');
    expect((await runEc2Action(client, del)).status).toBe('already');
    expect((await rulesOf(groupId)).filter((r) => r.IpProtocol === 'udp')).toEqual([]);
  });

  it('one authorize call for the whole change; when one source already exists, the others still go in', async () => {
    await client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '198.51.100.0/24' }] }] }));
    const perm = { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '192.0.2.0/24' }, { CidrIp: '198.51.100.0/24' }, { CidrIp: '203.0.113.0/24' }] };
    const out = await runEc2Action(client, { type: 'authorize-ingress', groupId, permissions: [perm], reason: 'test' });
    // AWS rejects the whole call and the fallback finds 1 of 3 present; moto keeps the sources it
    // added before the duplicate, so it reports 2 of 3. Either way all three end up there.
    expect(out.status).toBe('done');
    expect(out.detail).toMatch(emulator().kind === 'moto' ? /^[12] of 3 already present$/ : /^1 of 3 already present$/);
    const web = (await rulesOf(groupId)).filter((r) => r.FromPort === 8080).map((r) => r.CidrIpv4).sort();
    expect(web).toEqual(['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24']);
  });

  it('a real failure is reported as failed, not swallowed', async () => {
    const out = await runEc2Action(client, { type: 'authorize-ingress', groupId: 'sg-0000000000000dead', permissions: [{ IpProtocol: 'tcp', FromPort: 1, ToPort: 1, IpRanges: [{ CidrIp: '192.0.2.1/32' }] }], reason: 'test' });
    expect(out.status).toBe('failed');
    expect(out.detail).toMatch(/InvalidGroup\.NotFound/);
  });
});

// moto raises InvalidPermission.NotFound where AWS (default VPCs) answers success with
// UnknownIpPermissions, so the condition is injected by SDK middleware: the revoke call is answered
// "Return true, UnknownIpPermissions = what was asked" without reaching the emulator, and the
// adapter's verifying describe runs against the real emulator state.
describe('revoke answered with UnknownIpPermissions (injected by SDK middleware)', () => {
  const injected = () => {
    const c = ec2();
    c.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'RevokeSecurityGroupIngressCommand') {
          const input = args.input as { IpPermissions?: unknown[] };
          return { output: { $metadata: {}, Return: true, UnknownIpPermissions: input.IpPermissions ?? [] }, response: {} } as never;
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectUnknownIpPermissions' },
    );
    return c;
  };
  const perm = { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

  it('the rule is still there: failed, not reverted, naming the rule', async () => {
    const created = await client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [perm] }));
    const ruleId = created.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    const outcome = await runEc2Action(injected(), { type: 'revoke-ingress', groupId, permissions: [perm], reason: 'test' });
    expect(outcome.status).toBe('failed');
    expect(outcome.detail).toContain('UnknownIpPermissions (tcp 8080 0.0.0.0/0)');
    expect(outcome.detail).toContain(`still there (${ruleId})`);
    expect((await rulesOf(groupId)).some((r) => r.SecurityGroupRuleId === ruleId)).toBe(true);
    // Clean up through the real client: the same action now revokes.
    expect((await runEc2Action(client, { type: 'revoke-ingress', groupId, permissions: [perm], reason: 'cleanup' })).status).toBe('done');
  });

  it('the rule is already gone (a replay): already, not reverted', async () => {
    const outcome = await runEc2Action(injected(), { type: 'revoke-ingress', groupId, permissions: [perm], reason: 'test' });
    expect(outcome.status).toBe('already');
  });
});
