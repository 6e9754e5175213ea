// Settings: one JSON document (camelCase), validated once. The Lambda reads it from the
// SG_GUARDIAN_CONFIG environment variable (Terraform writes it with jsonencode); the CLI from
// --config file.json or the same variable. Absent sections take safe defaults.
import * as z from 'zod';
import { DecodeError } from '../core/model.js';
import { fromZod } from '../events/zod-error.js';
import { DriftSettingsSchema } from './drift-settings.js';
import { FeedSettingsSchema } from './feed-settings.js';
import { SecurityHubSettingsSchema } from './security-hub-settings.js';
import { StateSettingsSchema } from './state-settings.js';
import { WaiversSchema } from './waivers.js';
import { WorldOpenSettingsSchema } from './world-open-settings.js';

/** The capabilities, as named in the settings (and in `dryRun`). */
export type Capability = 'drift' | 'worldOpen' | 'feeds';

// One switch per capability, so the drift guard and world-open can rehearse while the feeds apply.
// A bare boolean is refused (it used to silence the feeds too): say so instead of "expected object".
const DryRunSchema = z
  .object(
    { drift: z.boolean().default(false), worldOpen: z.boolean().default(false), feeds: z.boolean().default(false) },
    {
      error: (issue) =>
        typeof issue.input === 'boolean'
          ? 'is per capability: { "drift": bool, "worldOpen": bool, "feeds": bool } (Terraform: dry_run = { drift_guard = true, world_open = true, feeds = false })'
          : undefined,
    },
  )
  .strict()
  .prefault({});

export const SettingsSchema = z
  .object({
    /** Per capability: decide and notify ("would revert"), but make no mutating call and move no baseline. */
    dryRun: DryRunSchema,
    /** The Lambda's own role ARN: always allowed, so nothing it does can trigger itself. */
    selfRoleArn: z.string().optional(),
    notifications: z
      .object({ topicArn: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, 'must be an SNS topic ARN').optional() })
      .strict()
      .default({}),
    drift: DriftSettingsSchema,
    feeds: FeedSettingsSchema,
    worldOpen: WorldOpenSettingsSchema,
    state: StateSettingsSchema,
    /** Time-boxed exceptions to the drift guard (Terraform's drift_waivers only: never tags or events). */
    waivers: WaiversSchema,
    securityHub: SecurityHubSettingsSchema,
  })
  .strict();

export type Settings = z.infer<typeof SettingsSchema>;

/** Parses settings JSON text; errors name the offending key (e.g. "drift.allowedPrincipalArns[0]"). */
export function parseSettings(text: string | undefined, source = 'SG_GUARDIAN_CONFIG'): Settings {
  let raw: unknown = {};
  if (text !== undefined && text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new DecodeError(`is not valid JSON (${(err as Error).message})`, source);
    }
  }
  const parsed = SettingsSchema.safeParse(raw);
  if (!parsed.success) throw fromZod(parsed.error, source);
  return parsed.data;
}
