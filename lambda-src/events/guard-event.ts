// The typed union every event is decoded into, once, at the edge (see ./decode.ts).
import type { Actor, Direction, IpPermission, SecurityGroupRule } from '../core/model.js';

/** A security-group API call recorded by CloudTrail (EventBridge, raw record, or SNS-wrapped). */
export interface CloudTrailEvent {
  kind: 'cloudtrail';
  eventId: string;
  eventSource: string;
  eventName: string;
  eventTime: string;
  accountId: string;
  region: string;
  /**
   * The EventBridge envelope's account and region, when EventBridge delivered the event directly
   * (not relayed through SNS): set by EventBridge from the sender, so a forger cannot choose them.
   */
  eventBridge?: { account?: string; region?: string };
  actor: Actor;
  sourceIp?: string;
  userAgent?: string;
  /** Set when the call failed (errorCode present): nothing changed, nothing to undo. */
  failed?: { errorCode: string; errorMessage?: string };
  groupId?: string;
  groupName?: string;
  direction?: Direction;
  /** Permissions the call asked for (authorize/revoke), normalised to the EC2 API shape. */
  permissions: IpPermission[];
  /** Rules the call created (authorize responses' securityGroupRuleSet). */
  createdRules: SecurityGroupRule[];
  /** Rule IDs named by the request (RevokeSecurityGroup* by ID, ModifySecurityGroupRules). */
  requestRuleIds: string[];
  /** ModifySecurityGroupRules: the requested new state per rule ID (the old value is not in the event). */
  modifiedRules: { ruleId: string; request: Record<string, unknown> }[];
  /** Rules a revoke removed, with their content (responseElements.revokedSecurityGroupRuleSet, newer events). */
  revokedRules?: SecurityGroupRule[];
  /** Requested permissions that matched no rule (responseElements.unknownIpPermissionSet): nothing to restore. */
  unknownPermissions?: IpPermission[];
}

/** The AmazonIpSpaceChanged SNS notice. */
export interface IpSpaceChangedEvent {
  kind: 'ip-space-changed';
  createTime: string;
  syncToken: string;
  md5: string;
  url: string;
  topicArn?: string;
  messageId?: string;
}

/** The remediation's SNS message (AWS-PublishSNSNotification): a group ID to fix. */
export interface ConfigRemediationEvent {
  kind: 'config-remediation';
  groupId: string;
  configRuleName?: string;
  accountId?: string;
  region?: string;
  messageId?: string;
}

/** Config Rules Compliance Change (EventBridge) or ComplianceChangeNotification (SNS). */
export interface ConfigComplianceEvent {
  kind: 'config-compliance';
  resourceType: string;
  resourceId: string;
  complianceType: string; // NON_COMPLIANT | COMPLIANT | NOT_APPLICABLE | INSUFFICIENT_DATA
  configRuleName?: string;
  accountId?: string;
  region?: string;
}

/** ConfigurationItemChangeNotification (SNS, or a custom-rule invocation's invokingEvent). */
export interface ConfigItemEvent {
  kind: 'config-item';
  resourceType: string;
  resourceId: string;
  changeType?: string;
  accountId?: string;
  region?: string;
  configRuleName?: string;
}

/** EventBridge Scheduled Event: runs the feed syncs (Cloudflare) and the world-open sweep. */
export interface ScheduleEvent {
  kind: 'schedule';
  time: string;
  ruleArns: string[];
  accountId?: string;
  region?: string;
}

/** An operator's direct invocation: {"sg-guardian": {"action": "..."}}. */
export interface InvokeEvent {
  kind: 'invoke';
  action: 'sync-feeds' | 'sweep';
  feed?: 'aws' | 'cloudflare';
}

export type GuardEvent =
  | CloudTrailEvent
  | IpSpaceChangedEvent
  | ConfigRemediationEvent
  | ConfigComplianceEvent
  | ConfigItemEvent
  | ScheduleEvent
  | InvokeEvent;

export type GuardEventKind = GuardEvent['kind'];
