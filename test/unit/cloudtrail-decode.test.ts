// Decoding CloudTrail security-group calls: every real sample in test/fixtures/samples whose name
// starts with cloudtrail- or eventbridge-AuthorizeSecurityGroup, then hand-made edge cases.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../lambda-src/core/model.js';
import { decodeCloudTrail } from '../../lambda-src/events/cloudtrail.js';
import { decodeEvent } from '../../lambda-src/events/decode.js';

const SAMPLES = new URL('../fixtures/samples/', import.meta.url);
const sample = (name: string): unknown => JSON.parse(readFileSync(new URL(name, SAMPLES), 'utf8'));
const decode = (body: unknown) => decodeCloudTrail({ body });

/** What each sample must decode to, read off the sample by hand. */
const EXPECTED: Record<string, object> = {
  'cloudtrail-raw-AuthorizeSecurityGroupEgress-proto-minus1-terraform_panther.json': {
    eventName: 'AuthorizeSecurityGroupEgress',
    eventId: '1a593035-e072-49c4-8c72-4ff35e195330',
    accountId: '112233445566',
    region: 'us-east-1',
    groupId: 'sg-03eee825d6bb78f54',
    direction: 'egress',
    // protocol -1: no FromPort/ToPort
    permissions: [
      {
        IpProtocol: '-1',
        IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'Allow egress to the internet. Required for now until we land ECS/ECR endpoints in the VPC' }],
      },
    ],
    createdRules: [],
    actor: {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::112233445566:assumed-role/ContinousDeployment/ryan@example.com',
      roleArn: 'arn:aws:iam::112233445566:role/Operator',
      principalId: 'AROAIZCYMDBM4SJU65M54:ryan@example.com',
      accountId: '112233445566',
    },
  },
  'cloudtrail-raw-AuthorizeSecurityGroupIngress-cli-securityGroupRuleArn-eventVersion1.10_elastic-integrations.json': {
    eventName: 'AuthorizeSecurityGroupIngress',
    accountId: '000000000',
    groupId: 'sg-0f63fecfa17ef4fee',
    direction: 'ingress',
    permissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.0/24' }] }],
    createdRules: [
      { ruleId: 'sgr-027eb7c59241731e0', groupId: 'sg-0f63fecfa17ef4fee', direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '203.0.113.0/24' },
    ],
    actor: { type: 'IAMUser', arn: 'arn:aws:iam::000000000:user/test@elastic.co' },
    sourceIp: '216.160.83.56',
  },
  'cloudtrail-raw-AuthorizeSecurityGroupIngress-console-fromPort-string_panther-normalized.json': {
    eventTime: '2021-01-24 04:55:45.000', // as the pipeline wrote it
    groupId: 'sg-04f0b44316f7d2471',
    // string ports become numbers; the non-canonical CIDR stays as EC2 was asked (and stored) it
    permissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/16' }] }],
    // lowercased userIdentity keys
    actor: {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::112233445566:assumed-role/TestAdmin/alan',
      principalId: 'ARORJ4ULULLE0EEJAAKDO:alan',
      accountId: '112233445566',
      roleArn: 'arn:aws:iam::112233445566:role/TestAdmin',
    },
  },
  'cloudtrail-raw-AuthorizeSecurityGroupIngress-errorCode-RequestExpired_panther-edited.json': {
    failed: { errorCode: 'RequestExpired' },
    groupId: 'sg-1',
  },
  'cloudtrail-raw-AuthorizeSecurityGroupIngress-errorCode-UnauthorizedOperation_panther-edited.json': {
    failed: { errorCode: 'UnauthorizedOperation' },
  },
  'cloudtrail-raw-AuthorizeSecurityGroupIngress-flat-cidrIp-form-with-securityGroupRuleSet_stratus-red-team.json': {
    region: 'us-northeast-1r',
    accountId: '032092706103',
    groupId: 'sg-003dc7f1f1c686164',
    permissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '208.236.235.254/0' }] }],
    createdRules: [{ ruleId: 'sgr-09b3e3d2ca1edf2a2', direction: 'ingress', cidrIpv4: '208.236.235.254/0' }],
    actor: { type: 'IAMUser', arn: 'arn:aws:iam::032092706103:user/christophe' },
  },
  'cloudtrail-raw-AuthorizeSecurityGroupIngress-ssh-0.0.0.0-0-gosdk_panther.json': {
    groupId: 'sg-0d921df5d84f7270a',
    permissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    userAgent: 'aws-sdk-go/1.24.1 (go1.14; darwin; amd64)',
  },
  'cloudtrail-raw-AuthorizeSecurityGroupIngress-ssh-32-description_panther-sanitized.json': {
    eventId: '1',
    permissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '127.0.0.1/32', Description: 'SSH for me' }] }],
  },
  'cloudtrail-raw-CreateSecurityGroup-terraform_panther.json': {
    eventName: 'CreateSecurityGroup',
    groupId: 'sg-04d018d184a18f647', // from responseElements
    groupName: 'prod-webapp-webserver-security',
    permissions: [],
    createdRules: [],
    requestRuleIds: [],
  },
  'cloudtrail-raw-ec2-RunInstances-errorCode-Client.UnauthorizedOperation_stratus-red-team.json': {
    eventName: 'RunInstances',
    failed: { errorCode: 'Client.UnauthorizedOperation' },
    permissions: [],
  },
  'eventbridge-AuthorizeSecurityGroupIngress-console-0-65535-with-securityGroupRuleSet_nuvibit-blog.json': {
    eventId: 'ed2b58c7-5b71-49d8-9f26-66b695f0e2a7', // the CloudTrail eventID, not the EventBridge id
    accountId: '626708301729',
    region: 'eu-west-1',
    groupId: 'sg-b0673be3',
    permissions: [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    createdRules: [{ ruleId: 'sgr-0c609e6f9cdaf10ea', groupId: 'sg-b0673be3', direction: 'ingress', fromPort: 0, toPort: 65535, cidrIpv4: '0.0.0.0/0' }],
    actor: {
      roleArn: 'arn:aws:iam::626708301729:role/aws-reserved/sso.amazonaws.com/eu-central-1/AWSReservedSSO_AdministratorAccess_1f51a532758ff888',
    },
  },
};

describe('decodeCloudTrail: real samples', () => {
  const names = readdirSync(SAMPLES).filter((n) => n.startsWith('cloudtrail-') || n.startsWith('eventbridge-AuthorizeSecurityGroup'));

  it('has an expectation for every CloudTrail sample', () => {
    expect(names.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(names)('%s', (name) => {
    const viaDispatcher = decodeEvent(sample(name));
    expect(viaDispatcher).toMatchObject({ kind: 'cloudtrail', ...EXPECTED[name] });
    expect(decode(sample(name))).toEqual(viaDispatcher);
  });

  it('marks successful calls as not failed', () => {
    expect(decode(sample('cloudtrail-raw-AuthorizeSecurityGroupIngress-ssh-0.0.0.0-0-gosdk_panther.json'))?.failed).toBeUndefined();
  });
});

/** A successful AuthorizeSecurityGroupIngress record to vary. */
function record(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', principalId: 'AIDAEXAMPLE' },
    eventTime: '2024-05-01T10:00:00Z',
    eventSource: 'ec2.amazonaws.com',
    eventName: 'AuthorizeSecurityGroupIngress',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: { groupId: 'sg-0123456789abcdef0', ipPermissions: { items: [] } },
    responseElements: { _return: true },
    eventID: 'e-1',
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
    ...over,
  };
}

const item = (over: Record<string, unknown>) => ({ groups: {}, ipRanges: {}, ipv6Ranges: {}, prefixListIds: {}, ...over });

describe('decodeCloudTrail: envelopes', () => {
  const raw = record({ requestParameters: { groupId: 'sg-0123456789abcdef0', ipPermissions: { items: [item({ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } })] } } });
  const expected = decode(raw);

  it.each([
    ['EventBridge event', { version: '0', id: 'x', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ec2', account: '111122223333', region: 'eu-west-1', detail: raw }],
    ['log file {Records:[record]}', { Records: [raw] }],
    ['bare array of one record', [raw]],
  ])('%s decodes like the raw record', (_label, body) => {
    expect(expected?.groupId).toBe('sg-0123456789abcdef0');
    // EventBridge adds its envelope's sender account and region (provenance), nothing else.
    const { eventBridge, ...rest } = decode(body)!;
    expect(rest).toEqual(expected);
    expect(eventBridge).toEqual(_label === 'EventBridge event' ? { account: '111122223333', region: 'eu-west-1' } : undefined);
  });

  it('decodes the EventBridge event relayed through SNS (decodeEvent unwraps the envelope)', () => {
    const eventBridge = sample('eventbridge-AuthorizeSecurityGroupIngress-console-0-65535-with-securityGroupRuleSet_nuvibit-blog.json');
    const sns = {
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          Sns: {
            Type: 'Notification',
            MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
            TopicArn: 'arn:aws:sns:eu-west-1:626708301729:sg-guardian-events',
            Subject: null,
            Message: JSON.stringify(eventBridge),
            Timestamp: '2021-11-04T15:56:43.000Z',
          },
        },
      ],
    };
    // Relayed through SNS, the envelope vouches for nothing: no eventBridge sender is kept.
    const { eventBridge: sender, ...direct } = decode(eventBridge)!;
    expect(sender).toEqual({ account: '626708301729', region: 'eu-west-1' });
    expect(decodeEvent(sns)).toEqual(direct);
    expect(decodeEvent(sns)).toMatchObject({ kind: 'cloudtrail', groupId: 'sg-b0673be3', createdRules: [{ ruleId: 'sgr-0c609e6f9cdaf10ea' }] });
  });

  it('claims a record from another service (the planner ignores it)', () => {
    const s3 = decode(record({ eventSource: 's3.amazonaws.com', eventName: 'PutBucketPolicy', requestParameters: { bucketName: 'b' } }));
    expect(s3).toMatchObject({ kind: 'cloudtrail', eventSource: 's3.amazonaws.com', eventName: 'PutBucketPolicy', permissions: [] });
  });

  it.each([
    ['an S3 event notification', { Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', eventTime: 't', userIdentity: { principalId: 'x' } }] }],
    ['an unrelated EventBridge event', { 'detail-type': 'Scheduled Event', source: 'aws.events', time: 't', detail: {} }],
    ['a string', 'hello'],
    ['an empty array', []],
  ])('declines %s', (_label, body) => {
    expect(decode(body)).toBeUndefined();
  });

  it('refuses a log file of several records rather than pick one', () => {
    expect(() => decode({ Records: [record(), record()] })).toThrow(/exactly one CloudTrail record, got 2/);
  });
});

describe('decodeCloudTrail: request shapes', () => {
  const permsOf = (requestParameters: Record<string, unknown>, over: Record<string, unknown> = {}) =>
    decode(record({ requestParameters: { groupId: 'sg-0123456789abcdef0', ...requestParameters }, ...over }))!.permissions;

  it('keeps IPv4, IPv6, prefix-list and group sources of one item, with their descriptions', () => {
    const perms = permsOf({
      ipPermissions: {
        items: [
          {
            ipProtocol: 'tcp',
            fromPort: 443,
            toPort: 443,
            ipRanges: { items: [{ cidrIp: '203.0.113.0/24', description: 'office' }, { cidrIp: '198.51.100.0/24' }] },
            ipv6Ranges: { items: [{ cidrIpv6: '2001:db8::/32', description: 'v6 office' }] },
            prefixListIds: { items: [{ prefixListId: 'pl-0123456789abcdef0', description: 'cdn' }] },
            groups: { items: [{ groupId: 'sg-0fedcba9876543210', userId: '444455556666', description: 'peer' }] },
          },
        ],
      },
    });
    expect(perms).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        IpRanges: [{ CidrIp: '203.0.113.0/24', Description: 'office' }, { CidrIp: '198.51.100.0/24' }],
        Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32', Description: 'v6 office' }],
        PrefixListIds: [{ PrefixListId: 'pl-0123456789abcdef0', Description: 'cdn' }],
        UserIdGroupPairs: [{ GroupId: 'sg-0fedcba9876543210', UserId: '444455556666', Description: 'peer' }],
      },
    ]);
  });

  it.each([
    ['tcp', { fromPort: '8080', toPort: '8081' }, { FromPort: 8080, ToPort: 8081 }],
    ['-1', { fromPort: -1, toPort: -1 }, {}],
    ['47', { fromPort: 0, toPort: 0 }, {}], // GRE: EC2 ignores ports
    ['58', {}, {}], // ICMPv6 without a type: all types
    ['58', { fromPort: 128, toPort: -1 }, { FromPort: 128, ToPort: -1 }], // ICMPv6 echo request, any code
    ['icmp', { fromPort: -1, toPort: -1 }, { FromPort: -1, ToPort: -1 }], // ICMP -1 means all types: keep it
  ])('protocol %s with %j keeps ports %j', (protocol, ports, expected) => {
    const [perm] = permsOf({ ipPermissions: { items: [item({ ipProtocol: protocol, ...ports, ipRanges: { items: [{ cidrIp: '10.0.0.0/8' }] } })] } });
    expect(perm).toEqual({ IpProtocol: protocol, ...expected, IpRanges: [{ CidrIp: '10.0.0.0/8' }] });
  });

  it('takes a numeric ipProtocol as its string form', () => {
    const ipRanges = { items: [{ cidrIp: '10.0.0.0/8' }] };
    expect(permsOf({ ipPermissions: { items: [item({ ipProtocol: 6, fromPort: 22, toPort: 22, ipRanges })] } })).toEqual([{ IpProtocol: '6', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }]);
  });

  it('decodes the legacy flat form (cidrIp, ipProtocol, fromPort, toPort with ipPermissions {})', () => {
    expect(permsOf({ ipPermissions: {}, cidrIp: '192.0.2.0/24', ipProtocol: 'udp', fromPort: '53', toPort: 53 })).toEqual([
      { IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '192.0.2.0/24' }] },
    ]);
  });

  it('takes groupId from securityGroupRuleSet when the call named the group (groupName)', () => {
    const event = decode(
      record({
        requestParameters: { groupName: 'default', ipPermissions: { items: [item({ ipProtocol: 'tcp', fromPort: 80, toPort: 80, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } })] } },
        responseElements: {
          _return: true,
          securityGroupRuleSet: { items: [{ groupOwnerId: '111122223333', groupId: 'sg-0aaaaaaaaaaaaaaaa', securityGroupRuleId: 'sgr-0bbbbbbbbbbbbbbbb', isEgress: false, ipProtocol: 'tcp', fromPort: 80, toPort: 80, cidrIpv4: '0.0.0.0/0' }] },
        },
      }),
    );
    expect(event).toMatchObject({ groupId: 'sg-0aaaaaaaaaaaaaaaa', groupName: 'default', createdRules: [{ ruleId: 'sgr-0bbbbbbbbbbbbbbbb', groupId: 'sg-0aaaaaaaaaaaaaaaa' }] });
  });

  it('leaves groupId unset when neither the request nor the response names it', () => {
    const event = decode(record({ requestParameters: { groupName: 'default', ipPermissions: {} } }));
    expect(event).toMatchObject({ groupName: 'default', permissions: [] });
    expect(event?.groupId).toBeUndefined();
  });

  it('reads createdRules fields: egress, IPv6, prefix list, referenced group, description', () => {
    const event = decode(
      record({
        eventName: 'AuthorizeSecurityGroupEgress',
        responseElements: {
          securityGroupRuleSet: {
            items: [
              { securityGroupRuleId: 'sgr-1', groupId: 'sg-0123456789abcdef0', groupOwnerId: '1', isEgress: true, ipProtocol: '-1', fromPort: -1, toPort: -1, cidrIpv6: '::/0' },
              { securityGroupRuleId: 'sgr-2', groupId: 'sg-0123456789abcdef0', isEgress: true, ipProtocol: 'tcp', fromPort: 443, toPort: 443, prefixListId: 'pl-1', description: 'cdn' },
              { securityGroupRuleId: 'sgr-3', groupId: 'sg-0123456789abcdef0', isEgress: true, ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, referencedGroupInfo: { groupId: 'sg-0ddddddddddddddd0', userId: '1' } },
            ],
          },
        },
      }),
    );
    expect(event?.createdRules).toEqual([
      { ruleId: 'sgr-1', groupId: 'sg-0123456789abcdef0', direction: 'egress', protocol: '-1', fromPort: -1, toPort: -1, cidrIpv6: '::/0' },
      { ruleId: 'sgr-2', groupId: 'sg-0123456789abcdef0', direction: 'egress', protocol: 'tcp', fromPort: 443, toPort: 443, prefixListId: 'pl-1', description: 'cdn' },
      { ruleId: 'sgr-3', groupId: 'sg-0123456789abcdef0', direction: 'egress', protocol: 'tcp', fromPort: 5432, toPort: 5432, referencedGroupId: 'sg-0ddddddddddddddd0' },
    ]);
  });

  it('decodes a revoke by rule IDs, and the revoke response sets', () => {
    const event = decode(
      record({
        eventName: 'RevokeSecurityGroupIngress',
        requestParameters: { groupId: 'sg-0123456789abcdef0', securityGroupRuleIds: { items: [{ securityGroupRuleId: 'sgr-0aa' }, 'sgr-0bb'] } },
        responseElements: {
          _return: true,
          revokedSecurityGroupRuleSet: { items: [{ securityGroupRuleId: 'sgr-0aa', groupId: 'sg-0123456789abcdef0', isEgress: false, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '10.0.0.0/8', description: 'vpn' }] },
          unknownIpPermissionSet: { items: [item({ ipProtocol: 'udp', fromPort: 53, toPort: 53, ipRanges: { items: [{ cidrIp: '10.9.9.9/32' }] } })] },
        },
      }),
    );
    expect(event).toMatchObject({
      direction: 'ingress',
      requestRuleIds: ['sgr-0aa', 'sgr-0bb'],
      permissions: [],
      revokedRules: [{ ruleId: 'sgr-0aa', direction: 'ingress', protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '10.0.0.0/8', description: 'vpn' }],
      unknownPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.9.9.9/32' }] }],
    });
  });

  it.each([
    ['one rule (object)', { SecurityGroupRuleId: 'sgr-0aa', tag: 1, SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '0.0.0.0/0' } }, ['sgr-0aa']],
    [
      'several rules (list)',
      [
        { SecurityGroupRuleId: 'sgr-0aa', tag: 1, SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '0.0.0.0/0' } },
        { SecurityGroupRuleId: 'sgr-0bb', tag: 2, SecurityGroupRule: { IpProtocol: '-1', CidrIpv6: '::/0' } },
      ],
      ['sgr-0aa', 'sgr-0bb'],
    ],
  ])('decodes ModifySecurityGroupRules with %s', (_label, rules, ids) => {
    const event = decode(
      record({
        eventName: 'ModifySecurityGroupRules',
        requestParameters: { ModifySecurityGroupRulesRequest: { GroupId: 'sg-0123456789abcdef0', SecurityGroupRule: rules } },
        responseElements: { ModifySecurityGroupRulesResponse: { _return: true } },
      }),
    );
    expect(event).toMatchObject({ groupId: 'sg-0123456789abcdef0', requestRuleIds: ids, permissions: [] });
    expect(event?.direction).toBeUndefined();
    expect(event?.modifiedRules.map((m) => m.ruleId)).toEqual(ids);
    expect(event?.modifiedRules[0]?.request).toEqual({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '0.0.0.0/0' });
  });

  it('takes the actor of an AWS service call from invokedBy', () => {
    const event = decode(record({ userIdentity: { type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' } }));
    expect(event?.actor).toEqual({ type: 'AWSService', arn: 'cloudformation.amazonaws.com', invokedBy: 'cloudformation.amazonaws.com' });
  });
});

describe('decodeCloudTrail: malformed input names the field', () => {
  const eventBridge = (detail: Record<string, unknown>) => ({ 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ec2', detail });
  const pathOf = (body: unknown): string => {
    try {
      decode(body);
    } catch (err) {
      expect(err).toBeInstanceOf(DecodeError);
      return (err as DecodeError).path;
    }
    throw new Error('expected a DecodeError');
  };
  const { eventName: _omitted, ...noEventName } = record();

  it.each([
    ['missing eventName', eventBridge(noEventName), 'detail.eventName'],
    ['non-numeric port', eventBridge(record({ requestParameters: { groupId: 'sg-1', ipPermissions: { items: [item({ ipProtocol: 'tcp', fromPort: 'ssh', toPort: 22 })] } } })), 'detail.requestParameters.ipPermissions.items[0].fromPort'],
    ['ipPermissions item not an object', eventBridge(record({ requestParameters: { groupId: 'sg-1', ipPermissions: { items: ['tcp/22'] } } })), 'detail.requestParameters.ipPermissions.items[0]'],
    ['ipRange without cidrIp', { Records: [record({ requestParameters: { groupId: 'sg-1', ipPermissions: { items: [item({ ipProtocol: 'tcp', fromPort: 1, toPort: 1, ipRanges: { items: [{ description: 'x' }] } })] } } })] }, 'Records[0].requestParameters.ipPermissions.items[0].ipRanges.items[0].cidrIp'],
    ['item without ipProtocol', [record({ requestParameters: { groupId: 'sg-1', ipPermissions: { items: [item({ fromPort: 1, toPort: 1 })] } } })], '[0].requestParameters.ipPermissions.items[0].ipProtocol'],
    ['created rule without an ID', record({ responseElements: { securityGroupRuleSet: { items: [{ groupId: 'sg-1', ipProtocol: 'tcp' }] } } }), 'responseElements.securityGroupRuleSet.items[0].securityGroupRuleId'],
    ['flat form without ipProtocol', record({ requestParameters: { groupId: 'sg-1', ipPermissions: {}, cidrIp: '10.0.0.0/8' } }), 'requestParameters.ipProtocol'],
    ['modify entry without a rule ID', record({ eventName: 'ModifySecurityGroupRules', requestParameters: { ModifySecurityGroupRulesRequest: { GroupId: 'sg-1', SecurityGroupRule: [{ SecurityGroupRule: {} }] } } }), 'requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule[0].SecurityGroupRuleId'],
    ['userIdentity not an object', record({ userIdentity: 'alice' }), 'userIdentity'],
    ['EventBridge event without detail', { 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ec2' }, 'detail'],
  ])('%s -> %s', (_label, body, path) => {
    expect(pathOf(body)).toBe(path);
  });

  it('reports the path through decodeEvent too', () => {
    expect(() => decodeEvent(eventBridge(noEventName))).toThrow(/^detail\.eventName: /);
  });
});
