// The desired-state section ("state"): where the baselines, feed records and event ledger live,
// and how long the sweep waits for an event to explain a difference before acting on it.
import * as z from 'zod';

export const StateSettingsSchema = z
  .object({
    /** The DynamoDB table the module creates. Absent (the CLI, offline): nothing is stored. */
    tableName: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name').optional(),
    /**
     * How long a difference between a group and its baseline may stand unexplained before the
     * sweep acts on it. CloudTrail delivers within minutes (best effort): shorter would race
     * allowed principals' own events; the default is 15 minutes.
     */
    graceSeconds: z.number().int().min(0).max(86_400).default(900),
    /** How long a handled event is remembered (replays within it are recognised). */
    ledgerTtlSeconds: z.number().int().min(3_600).max(2_592_000).default(604_800),
    /** How long an in-progress claim blocks a concurrent delivery; at least the function timeout. */
    lockSeconds: z.number().int().min(30).max(3_600).default(900),
  })
  .strict()
  .prefault({});

export type StateSettings = z.infer<typeof StateSettingsSchema>;
