// The CLI as a new operator meets it (issue #14): a typo in --service, a whole CloudTrail log file,
// and a finding of a default deployment's Config rule explained without --config.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lambda-src/cli/main.js';

const root = path.resolve(import.meta.dirname, '../..');
const S = path.join(root, 'test/fixtures/samples');
const sample = (n: string) => path.join(S, n);
const sampleJson = (n: string) => JSON.parse(fs.readFileSync(sample(n), 'utf8')) as Record<string, unknown>;
const IP_RANGES = sample('ip-ranges_2024-07-09_syncToken1720490589_md5-7d512815_matches-vincent119-message_joetek.json');

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err, json: () => JSON.parse(out) as Record<string, unknown> };
}

function tmpJson(name: string, content: unknown) {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sgg-cli1-')), name);
  fs.writeFileSync(f, JSON.stringify(content));
  return f;
}

/** The module's default deployment name and Config rule name, read from the Terraform as written. */
function moduleDefaultRuleName(): string {
  const vars = fs.readFileSync(path.join(root, 'variables.tf'), 'utf8');
  const name = /variable "name" \{[^}]*?default\s*=\s*"([^"]+)"/s.exec(vars)?.[1];
  const suffix = /coalesce\(var\.world_open_config_rule_name, "\$\{var\.name\}([^"]+)"\)/.exec(fs.readFileSync(path.join(root, 'main.tf'), 'utf8'))?.[1];
  expect(name, 'variables.tf: variable "name" default').toBeDefined();
  expect(suffix, 'main.tf: the Config rule name').toBeDefined();
  return `${name}${suffix}`;
}

describe('sg-guardian ranges aws --service', () => {
  it('an unknown service (a typo) exits 2 naming it, instead of printing empty lists', async () => {
    const r = await cli('ranges', 'aws', '--file', IP_RANGES, '--service', 'CLOUDFRONT_ORIGIN_FACNG');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('"CLOUDFRONT_ORIGIN_FACNG" is not a service of this ip-ranges.json');
  });

  it('a known service still prints its ranges', async () => {
    const r = await cli('ranges', 'aws', '--file', IP_RANGES, '--service', 'CLOUDFRONT_ORIGIN_FACING');
    expect(r.code, r.err).toBe(0);
    expect((r.json() as { ipv4: string[] }).ipv4).toHaveLength(47);
  });
});

describe('sg-guardian explain over a whole CloudTrail log file', () => {
  const sgRecord = sampleJson('cloudtrail-raw-AuthorizeSecurityGroupIngress-ssh-0.0.0.0-0-gosdk_panther.json');
  const other = sampleJson('cloudtrail-raw-ec2-RunInstances-errorCode-Client.UnauthorizedOperation_stratus-red-team.json');
  const record = (r: Record<string, unknown>) => (Array.isArray(r.Records) ? (r.Records[0] as Record<string, unknown>) : r);

  it('two records, one security-group change: plans that change and lists the other as ignored', async () => {
    const file = tmpJson('log.json', { Records: [record(other), record(sgRecord)] });
    const r = await cli('explain', file);
    expect(r.code, r.err).toBe(0);
    const j = r.json() as { kind: string; records: number; plans: { record: number; event: { name: string; groupId: string }; actions: { type: string }[] }[]; ignored: { record: number; eventName: string }[] };
    expect(j.kind).toBe('cloudtrail-log');
    expect(j.records).toBe(2);
    expect(j.plans).toHaveLength(1);
    expect(j.plans[0]).toMatchObject({ record: 1, event: { name: 'AuthorizeSecurityGroupIngress', groupId: 'sg-0d921df5d84f7270a' } });
    expect(j.plans[0]!.actions.map((a) => a.type)).toEqual(['revoke-ingress', 'notify']);
    expect(j.ignored).toEqual([{ record: 0, eventName: 'RunInstances', reason: 'not a security-group rule call' }]);
  });

  it('a malformed security-group record exits 2 naming Records[i]', async () => {
    const broken = structuredClone(record(sgRecord)) as { requestParameters: { ipPermissions: { items: { ipProtocol: string }[] } } };
    broken.requestParameters.ipPermissions.items[0]!.ipProtocol = 'all';
    const r = await cli('explain', tmpJson('log.json', { Records: [record(other), broken] }));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Records\[1\]: .*ipProtocol/);
  });
});

describe('the default Config rule name, shared by the module and the CLI', () => {
  it('explain without --config recognises a finding of a default deployment (name = default) as the world-open rule', async () => {
    const ruleName = moduleDefaultRuleName();
    const event = {
      version: '0', id: 'e-1', 'detail-type': 'Config Rules Compliance Change', source: 'aws.config', account: '111122223333', time: '2024-01-01T00:00:00Z', region: 'eu-west-1', resources: [],
      detail: { resourceId: 'sg-0123456789abcdef0', resourceType: 'AWS::EC2::SecurityGroup', awsRegion: 'eu-west-1', awsAccountId: '111122223333', configRuleName: ruleName, messageType: 'ComplianceChangeNotification', newEvaluationResult: { complianceType: 'NON_COMPLIANT' } },
    };
    const saved = process.env.SG_GUARDIAN_CONFIG;
    delete process.env.SG_GUARDIAN_CONFIG;
    try {
      const r = await cli('explain', tmpJson('finding.json', event));
      expect(r.code, r.err).toBe(0);
      const actions = (r.json() as { actions: { type: string; groupId?: string; reason: string }[] }).actions;
      expect(actions).toEqual([expect.objectContaining({ type: 'remediate-group', groupId: 'sg-0123456789abcdef0' })]);
    } finally {
      if (saved !== undefined) process.env.SG_GUARDIAN_CONFIG = saved;
    }
  });
});
