// The drift guard's settings section ("drift"): which groups are guarded and who may change them.
import * as z from 'zod';

/** Bounds the matcher's work per event (patterns × pattern length × ARN length). */
export const PRINCIPAL_PATTERN_MAX = 1024;
export const PRINCIPAL_PATTERNS_MAX = 100;

export const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;

export const DriftSettingsSchema = z
  .object({
    /** Off switch for the whole drift guard. */
    enabled: z.boolean().default(true),
    /** Groups to guard by ID. With guardTag, a group is guarded when either selects it; with neither, every group is. */
    guardedGroupIds: z.array(z.string().regex(SECURITY_GROUP_ID, 'must be a security group ID like sg-0123456789abcdef0')).default([]),
    /** Groups to guard by tag (exact key and value). */
    guardTag: z.object({ key: z.string().min(1), value: z.string() }).strict().optional(),
    /** Also undo outbound (egress) rule changes. */
    guardEgress: z.boolean().default(true),
    /**
     * Principals whose changes stand: glob patterns (`*`, `?`) over the caller's ARN, or for an
     * assumed-role session over its role's ARN (arn:aws:iam::123456789012:role/ci-*).
     */
    allowedPrincipalArns: z
      .array(z.string().max(PRINCIPAL_PATTERN_MAX, `must be at most ${PRINCIPAL_PATTERN_MAX} characters (an IAM ARN is at most 2,048)`).regex(/^arn:/, 'must be an ARN pattern starting with "arn:"'))
      .max(PRINCIPAL_PATTERNS_MAX, `at most ${PRINCIPAL_PATTERNS_MAX} patterns`)
      .default([]),
  })
  .strict()
  // prefault, not default: zod 4's default({}) skips parsing, so the inner defaults would not apply.
  .prefault({});

export type DriftSettings = z.infer<typeof DriftSettingsSchema>;
