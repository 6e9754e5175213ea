// Decoding of the AWS Config inputs (world-open remediation). Samples: test/fixtures/samples/
// (provenance in its README.md).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../lambda-src/core/model.js';
import { decodeConfig } from '../../lambda-src/events/config.js';
import { decodeEvent } from '../../lambda-src/events/decode.js';

const SAMPLES = new URL('../fixtures/samples/', import.meta.url);

function sample(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, SAMPLES), 'utf8')) as Record<string, unknown>;
}

const COMPLIANCE_SAMPLE = 'sns-config-ComplianceChangeNotification-example_awsdocs.json';
const ITEM_SAMPLE = 'sns-config-ConfigurationItemChangeNotification-SecurityGroup-CREATE_awsdocs.json';
const INVOCATION_SAMPLE = 'config-rule-lambda-invocation-sg-ResourceDiscovered_custodian.json';

const TOPIC = 'arn:aws:sns:eu-central-1:111122223333:sg-guardian-remediation';

/** The SNS -> Lambda envelope, as Lambda delivers it: Message is always a string. */
function viaLambdaSns(message: string, topicArn = TOPIC, messageId = 'm-1') {
  return { Records: [{ EventSource: 'aws:sns', Sns: { Message: message, MessageId: messageId, TopicArn: topicArn, Timestamp: '2024-01-01T00:00:00Z' } }] };
}

/** A documented sample re-delivered the way Lambda receives it (its Message object serialised). */
function lambdaEnvelopeOf(doc: Record<string, unknown>) {
  return viaLambdaSns(JSON.stringify(doc.Message), doc.TopicArn as string, doc.MessageId as string);
}

function decodeError(run: () => unknown): DecodeError {
  try {
    run();
  } catch (err) {
    if (err instanceof DecodeError) return err;
    throw err;
  }
  throw new Error('expected a DecodeError');
}

describe('Config notifications via SNS', () => {
  it(`ComplianceChangeNotification (${COMPLIANCE_SAMPLE}) -> config-compliance, Message as a string or as the docs' object`, () => {
    const doc = sample(COMPLIANCE_SAMPLE);
    const expected = {
      kind: 'config-compliance',
      resourceType: 'AWS::::Account',
      resourceId: '123456789012',
      complianceType: 'COMPLIANT',
      configRuleName: 'cloudtrail-enabled',
      accountId: '123456789012',
      region: 'us-east-2',
    };
    expect(decodeEvent(lambdaEnvelopeOf(doc))).toEqual(expected);
    // The sample file itself: the SNS notification document with Message as an object.
    expect(decodeEvent(doc)).toEqual(expected);
    expect(decodeConfig({ body: doc.Message, sns: { topicArn: doc.TopicArn as string } })).toEqual(expected);
  });

  it(`ConfigurationItemChangeNotification (${ITEM_SAMPLE}) -> config-item`, () => {
    const doc = sample(ITEM_SAMPLE);
    const expected = {
      kind: 'config-item',
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: 'sg-3f1fef43',
      changeType: 'CREATE',
      accountId: '123456789012',
      region: 'us-east-2',
    };
    expect(decodeEvent(lambdaEnvelopeOf(doc))).toEqual(expected);
    expect(decodeEvent(doc)).toEqual(expected);
  });

  it('OversizedConfigurationItemChangeNotification (shape from the Config guide) -> config-item from the summary', () => {
    const message = {
      configurationItemSummary: {
        changeType: 'UPDATE',
        configurationItemVersion: '1.3',
        configurationItemCaptureTime: '2024-01-01T00:00:00.000Z',
        configurationStateId: 1,
        awsAccountId: '111122223333',
        configurationItemStatus: 'OK',
        resourceType: 'AWS::EC2::SecurityGroup',
        resourceId: 'sg-0123456789abcdef0',
        awsRegion: 'eu-central-1',
      },
      s3DeliverySummary: { s3BucketLocation: 'bucket/key', errorCode: null, errorMessage: null },
      notificationCreationTime: '2024-01-01T00:00:01.000Z',
      messageType: 'OversizedConfigurationItemChangeNotification',
      recordVersion: '1.0',
    };
    expect(decodeEvent(viaLambdaSns(JSON.stringify(message)))).toEqual({
      kind: 'config-item',
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: 'sg-0123456789abcdef0',
      changeType: 'UPDATE',
      accountId: '111122223333',
      region: 'eu-central-1',
    });
  });

  it('a compliance notification without newEvaluationResult is a DecodeError naming it', () => {
    const doc = sample(COMPLIANCE_SAMPLE);
    const message = { ...(doc.Message as Record<string, unknown>) };
    delete message.newEvaluationResult;
    const err = decodeError(() => decodeEvent(viaLambdaSns(JSON.stringify(message))));
    expect(err.path).toBe('Records[0].Sns.Message.newEvaluationResult');
  });

  it('a Config message about no resource (snapshot delivery) is a DecodeError naming messageType', () => {
    const message = { configSnapshotId: 'x', s3ObjectKey: 'k', s3Bucket: 'b', notificationCreationTime: 't', messageType: 'ConfigurationSnapshotDeliveryCompleted', recordVersion: '1.1' };
    const err = decodeError(() => decodeEvent(viaLambdaSns(JSON.stringify(message))));
    expect(err.path).toBe('Records[0].Sns.Message.messageType');
    expect(err.message).toContain('ConfigurationSnapshotDeliveryCompleted');
  });
});

describe('EventBridge Config Rules Compliance Change', () => {
  // The compliance sample's Message, re-typed for a security group, as the detail of an
  // EventBridge envelope (the Config event reference documents detail = that notification).
  function eventBridge(detail: Record<string, unknown>, detailType = 'Config Rules Compliance Change') {
    return { version: '0', id: 'e-1', 'detail-type': detailType, source: 'aws.config', account: '444455556666', time: '2024-01-01T00:00:00Z', region: 'ap-south-1', resources: [], detail };
  }
  const sgDetail = () => {
    const m = structuredClone(sample(COMPLIANCE_SAMPLE).Message) as Record<string, unknown> & { newEvaluationResult: Record<string, unknown> };
    m.resourceType = 'AWS::EC2::SecurityGroup';
    m.resourceId = 'sg-0123456789abcdef0';
    m.configRuleName = 'sg-guardian-vpc-sg-open-only-to-authorized-ports';
    m.newEvaluationResult.complianceType = 'NON_COMPLIANT';
    return m;
  };

  it('-> config-compliance with the detail fields', () => {
    expect(decodeEvent(eventBridge(sgDetail()))).toEqual({
      kind: 'config-compliance',
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: 'sg-0123456789abcdef0',
      complianceType: 'NON_COMPLIANT',
      configRuleName: 'sg-guardian-vpc-sg-open-only-to-authorized-ports',
      accountId: '123456789012',
      region: 'us-east-2',
    });
  });

  it('falls back on the envelope account/region when the detail omits them, and also arrives through SNS', () => {
    const detail = sgDetail();
    delete detail.awsAccountId;
    delete detail.awsRegion;
    const event = decodeEvent(viaLambdaSns(JSON.stringify(eventBridge(detail))));
    expect(event).toMatchObject({ kind: 'config-compliance', accountId: '444455556666', region: 'ap-south-1' });
  });

  it('a detail without complianceType is a DecodeError naming detail.newEvaluationResult.complianceType', () => {
    const detail = sgDetail();
    delete detail.newEvaluationResult.complianceType;
    expect(decodeError(() => decodeEvent(eventBridge(detail))).path).toBe('detail.newEvaluationResult.complianceType');
  });

  it('Config Configuration Item Change -> config-item; an unknown Config detail-type is a DecodeError', () => {
    const item = sample(ITEM_SAMPLE).Message as Record<string, unknown>;
    expect(decodeEvent(eventBridge(item, 'Config Configuration Item Change'))).toMatchObject({ kind: 'config-item', resourceId: 'sg-3f1fef43', changeType: 'CREATE' });
    expect(decodeError(() => decodeEvent(eventBridge({}, 'Config Rules Re-evaluation Status'))).path).toBe('detail-type');
  });

  it('declines Config API calls recorded by CloudTrail (source aws.config, not its shape)', () => {
    expect(decodeConfig({ body: { source: 'aws.config', 'detail-type': 'AWS API Call via CloudTrail', detail: { eventName: 'PutConfigRule' } } })).toBeUndefined();
  });
});

describe('custom Config rule invocation', () => {
  it(`${INVOCATION_SAMPLE}: invokingEvent is a JSON string -> config-item with the rule name`, () => {
    expect(decodeEvent(sample(INVOCATION_SAMPLE))).toEqual({
      kind: 'config-item',
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: 'sg-e2fb6999',
      // configurationItemDiff is null in this sample: no changeType.
      accountId: '123456789012',
      region: 'eu-west-1',
      configRuleName: 'custodian-sg-exposed-port7',
    });
  });

  it('accepts invokingEvent already parsed into an object', () => {
    const inv = sample(INVOCATION_SAMPLE);
    const parsed = { ...inv, invokingEvent: JSON.parse(inv.invokingEvent as string) as unknown };
    expect(decodeEvent(parsed)).toMatchObject({ kind: 'config-item', resourceId: 'sg-e2fb6999', configRuleName: 'custodian-sg-exposed-port7' });
  });

  it.each([
    ['invokingEvent is not JSON', (inv: Record<string, unknown>) => ({ ...inv, invokingEvent: '{not json' }), 'invokingEvent'],
    ['configurationItem lacks resourceId', (inv: Record<string, unknown>) => {
      const ie = JSON.parse(inv.invokingEvent as string) as { configurationItem: Record<string, unknown> };
      delete ie.configurationItem.resourceId;
      return { ...inv, invokingEvent: JSON.stringify(ie) };
    }, 'invokingEvent.configurationItem.resourceId'],
    ['configRuleName is missing', (inv: Record<string, unknown>) => ({ ...inv, configRuleName: undefined }), 'configRuleName'],
  ])('%s -> DecodeError at %s', (_label, mutate, path) => {
    expect(decodeError(() => decodeEvent(mutate(sample(INVOCATION_SAMPLE)))).path).toBe(path);
  });
});

describe('remediation message (AWS-PublishSNSNotification) via SNS', () => {
  const GROUP = 'sg-0123456789abcdef0';

  it.each([
    ['a bare ID', GROUP, GROUP],
    ['a bare ID with whitespace around it', ` ${GROUP}\n`, GROUP],
    ['a JSON-quoted ID', JSON.stringify(GROUP), GROUP],
    ['an 8-digit legacy ID', 'sg-3f1fef43', 'sg-3f1fef43'],
    ['a sentence naming one group', `Security group ${GROUP} is NON_COMPLIANT with the world-open rule.`, GROUP],
    ['a sentence naming the same group twice', `${GROUP} (again: ${GROUP})`, GROUP],
  ])('%s -> config-remediation', (_label, message, groupId) => {
    // Account and region come from the topic ARN when the message does not say.
    expect(decodeEvent(viaLambdaSns(message))).toEqual({ kind: 'config-remediation', groupId, accountId: '111122223333', region: 'eu-central-1', messageId: 'm-1' });
  });

  it('JSON with resourceId (and optional rule/account/region) -> config-remediation', () => {
    const message = JSON.stringify({ resourceId: GROUP, configRuleName: 'my-rule', awsAccountId: '999988887777', awsRegion: 'us-west-2' });
    expect(decodeEvent(viaLambdaSns(message))).toEqual({ kind: 'config-remediation', groupId: GROUP, configRuleName: 'my-rule', accountId: '999988887777', region: 'us-west-2', messageId: 'm-1' });
  });

  it.each([
    ['two different groups in one sentence', `fix ${GROUP} and sg-3f1fef43`, 'Records[0].Sns.Message'],
    ['an sg- token that is no group ID', 'sg-not-a-group', 'Records[0].Sns.Message'],
    ['JSON whose resourceId is not a group', JSON.stringify({ resourceId: 'i-0123456789abcdef0' }), 'Records[0].Sns.Message.resourceId'],
  ])('%s -> DecodeError at %s', (_label, message, path) => {
    expect(decodeError(() => decodeEvent(viaLambdaSns(message))).path).toBe(path);
  });

  it('is only accepted through SNS: a bare ID or {resourceId} invoked directly is declined', () => {
    expect(decodeConfig({ body: GROUP })).toBeUndefined();
    expect(decodeConfig({ body: { resourceId: GROUP } })).toBeUndefined();
  });

  it('declines text and objects that are not its shape', () => {
    expect(decodeConfig({ body: 'hello, no group here', sns: {} })).toBeUndefined();
    expect(decodeConfig({ body: { 'create-time': 'x', synctoken: '1', md5: 'm', url: 'u' }, sns: {} })).toBeUndefined();
    expect(decodeConfig({ body: sample('eventbridge-scheduled-event_custodian.json') })).toBeUndefined();
  });
});
