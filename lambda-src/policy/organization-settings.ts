// The organization section ("organization"): member accounts and regions this hub guards through an
// assumed role. Absent: single account, exactly as before (the function's own account and region).
import * as z from 'zod';

export const ACCOUNT_ID = /^\d{12}$/;
// Commercial, China, GovCloud and newer regions: us-east-1, cn-north-1, us-gov-west-1, ap-southeast-5.
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
// IAM role names: 1-64 of [A-Za-z0-9+=,.@_-], no path.
export const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
// sts:AssumeRole's ExternalId: 2-1224 of [\w+=,.@:/-].
export const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

const Target = z
  .object({
    accountId: z.string().regex(ACCOUNT_ID, 'must be a 12-digit AWS account ID'),
    regions: z
      .array(z.string().regex(REGION, 'must be an AWS region name like us-east-1'))
      .min(1, 'must list at least one region')
      .max(40, 'at most 40 regions')
      .refine((rs) => new Set(rs).size === rs.length, 'lists a region twice'),
  })
  .strict();

export const OrganizationSettingsSchema = z
  .object({
    /** The role (name, no path) every member account gives the hub function to assume. */
    memberRoleName: z.string().regex(ROLE_NAME, 'must be an IAM role name (1-64 of A-Z a-z 0-9 + = , . @ _ -, no path)').default('sg-guardian-member'),
    /** Passed to sts:AssumeRole when set (the member role's trust may require it). */
    externalId: z.string().regex(EXTERNAL_ID, 'must be 2-1224 of A-Z a-z 0-9 + = , . @ : / _ -').optional(),
    /** Enrolled member accounts and their regions. */
    targets: z
      .array(Target)
      .max(1000, 'at most 1,000 accounts')
      .refine((ts) => new Set(ts.map((t) => t.accountId)).size === ts.length, 'lists an account twice (give it one entry with all its regions)')
      .default([]),
    /** Groups described and planned at once, across accounts and regions. */
    sweepConcurrency: z.number().int().min(1).max(32).default(4),
    /** Per account and region, the pace of mutating EC2 calls (EC2 refills its buckets at 5/s). */
    mutatingCallsPerSecond: z.number().positive().max(100).default(5),
  })
  .strict();

export type OrganizationSettings = z.infer<typeof OrganizationSettingsSchema>;
