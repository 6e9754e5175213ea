// Commands: explain <event.json> [--config f] [--group-file f] [--baseline f]; ranges aws|cloudflare ...;
// state show|accept|release --group sg-... and status [--json] (the commands that call AWS, with your credentials).
// Exit codes: 0 ok, 2 bad input (the message names what was wrong), 1 unexpected (state show: not enrolled;
// status: something is out of its desired state).
import fs from 'node:fs';
import { clip, escapeControl } from '../core/excerpt.js';
import { DecodeError } from '../core/model.js';
import { decodeEvent } from '../events/decode.js';
import { SECURITY_GROUP_RULE_CALLS } from '../events/cloudtrail.js';
import { type Settings, parseSettings } from '../policy/settings.js';
import type { Action } from '../core/model.js';
import type { GuardEvent } from '../events/guard-event.js';
import { planDrift } from '../plan/drift.js';
import { planRemediation, planRemediationIntent } from '../plan/remediation.js';
import { rangesFromAwsFile } from '../feeds/aws-ip-ranges.js';
import { rangesFromCloudflare } from '../feeds/cloudflare.js';
import { baselineFromFile, groupFromFile } from './group-file.js';
import { stateCommand } from './state.js';
import { statusCommand } from './status.js';
import { DEFAULT_PREFIX_FLOORS, type PrefixFloors } from '../feeds/plausibility.js';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export class UsageError extends Error {}

const USAGE = `usage:
  sg-guardian explain <event.json | cloudtrail-log.json> [--config settings.json] [--group-file describe-security-groups.json] [--baseline baseline.json]
  sg-guardian state show|accept|release --group <sg-id> [--config settings.json]
  sg-guardian status [--json] [--config settings.json] [--role-name <role in each member account>]
  sg-guardian ranges aws --file <ip-ranges.json> [--expect-md5 <md5>] [--service S]... [--region R]...
  sg-guardian ranges cloudflare (--v4 <file> --v6 <file> | --json <file>)
`;

export function main(argv: string[], io: Io): number | Promise<number> {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'state': {
        const { positional, options } = parseArgs(rest, ['config', 'group']);
        return stateCommand(positional[0], options.group?.[0], settingsFrom(options), io).catch((err: unknown) => fail(err, io));
      }
      case 'status': {
        const json = rest.includes('--json');
        const { positional, options } = parseArgs(rest.filter((a) => a !== '--json'), ['config', 'role-name']);
        if (positional.length) throw new UsageError(`status takes no argument '${positional[0]}'`);
        const roleName = options['role-name']?.[0];
        if (roleName !== undefined && !/^[\w+=,.@-]{1,64}$/.test(roleName)) throw new UsageError(`--role-name '${roleName}' is not an IAM role name (no path, 1-64 of letters, digits and +=,.@_-)`);
        return statusCommand(settingsFrom(options), json, io, undefined, roleName).catch((err: unknown) => fail(err, io));
      }
      case 'explain':
        io.stdout(JSON.stringify(explain(rest), null, 2) + '\n');
        return 0;
      case 'ranges':
        io.stdout(JSON.stringify(ranges(rest), null, 2) + '\n');
        return 0;
      case undefined:
      case '-h':
      case '--help':
        io.stdout(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (err) {
    return fail(err, io);
  }
}

function fail(err: unknown, io: Io): number {
  if (err instanceof DecodeError || err instanceof UsageError) {
    // Messages quote arguments and input: never more than an excerpt, never a raw control character.
    io.stderr(`sg-guardian: ${clip(err.message, 1000)}\n${err instanceof UsageError ? USAGE : ''}`);
    return 2;
  }
  io.stderr(`sg-guardian: unexpected error: ${escapeControl(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`);
  return 1;
}

function settingsFrom(options: Record<string, string[]>): Settings {
  const configFile = options.config?.[0];
  const configText = configFile !== undefined ? readText(configFile, 'settings') : process.env.SG_GUARDIAN_CONFIG;
  return parseSettings(configText, configFile ?? 'SG_GUARDIAN_CONFIG');
}

export function parseArgs(args: string[], flags: string[]): { positional: string[]; options: Record<string, string[]> } {
  const positional: string[] = [];
  const options: Record<string, string[]> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      const name = a.slice(2);
      if (!flags.includes(name)) throw new UsageError(`unknown option --${name}`);
      const value = args[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      (options[name] ??= []).push(value);
    } else positional.push(a);
  }
  return { positional, options };
}

export function readJsonFile(file: string, what: string): unknown {
  const text = readText(file, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new DecodeError(`is not valid JSON (${(err as Error).message})`, file);
  }
}

function explain(args: string[]) {
  const { positional, options } = parseArgs(args, ['config', 'group-file', 'baseline']);
  if (positional.length !== 1) throw new UsageError('explain takes exactly one event file');
  const settings = settingsFrom(options);
  const raw = readJsonFile(positional[0]!, 'event');
  const groupFile = options['group-file']?.[0];
  const baselineFile = options.baseline?.[0];
  const records = logFileRecords(raw);
  if (records) return explainLogFile(records, settings, groupFile, baselineFile);
  const event = decodeEvent(raw);
  return { kind: event.kind, event: summary(event), actions: planWithoutAws(event, settings, groupFile, baselineFile) };
}

/** A CloudTrail log file ({"Records": [...]}, or a bare array) of more than one record; undefined otherwise. */
function logFileRecords(raw: unknown): unknown[] | undefined {
  const records = Array.isArray(raw) ? raw : typeof raw === 'object' && raw !== null && Array.isArray((raw as { Records?: unknown }).Records) ? (raw as { Records: unknown[] }).Records : undefined;
  if (!records || records.length < 2) return undefined;
  return records.every((r) => typeof r === 'object' && r !== null && 'eventName' in r && 'eventSource' in r) ? records : undefined;
}

/**
 * A whole log file: one plan per security-group rule call (as the Lambda would get each, one event
 * per invocation), every other record listed as ignored. A malformed security-group record exits 2
 * naming Records[i].
 */
function explainLogFile(records: unknown[], settings: Settings, groupFile: string | undefined, baselineFile: string | undefined) {
  const plans: { record: number; kind: string; event: Record<string, unknown>; actions: Action[] }[] = [];
  const ignored: { record: number; eventName: string; reason: string }[] = [];
  const events: GuardEvent[] = [];
  records.forEach((r, i) => {
    const { eventName, eventSource } = r as { eventName?: unknown; eventSource?: unknown };
    if (eventSource !== 'ec2.amazonaws.com' || typeof eventName !== 'string' || SECURITY_GROUP_RULE_CALLS[eventName] === undefined) {
      ignored.push({ record: i, eventName: String(eventName), reason: 'not a security-group rule call' });
      return;
    }
    let event: GuardEvent;
    try {
      event = decodeEvent(r);
    } catch (err) {
      if (err instanceof DecodeError) throw new DecodeError(err.message, `Records[${i}]`);
      throw err;
    }
    events.push(event);
    plans.push({ record: i, kind: event.kind, event: summary(event), actions: [] });
  });
  const groups = [...new Set(plans.map((p) => p.event.groupId).filter((g): g is string => typeof g === 'string'))];
  if (baselineFile && groups.length > 1) throw new UsageError(`--baseline holds one group's rules, but the log file changes ${groups.length} groups (${groups.join(', ')}): explain one group's records at a time`);
  plans.forEach((p, k) => (p.actions = planWithoutAws(events[k]!, settings, groupFile, baselineFile)));
  return { kind: 'cloudtrail-log', records: records.length, plans, ignored };
}

/** The same planners as the Lambda, with no observed state except what --group-file and --baseline supply. */
function planWithoutAws(event: GuardEvent, settings: Settings, groupFile: string | undefined, baselineFile: string | undefined): Action[] {
  switch (event.kind) {
    case 'cloudtrail': {
      const groupId = event.groupId ?? event.createdRules[0]?.groupId;
      const observedGroup = groupFile && groupId ? groupFromFile(readJsonFile(groupFile, 'group file'), groupId, groupFile) : undefined;
      const baseline = baselineFile ? baselineFromFile(readJsonFile(baselineFile, 'baseline'), baselineFile) : undefined;
      return planDrift(event, { settings, ...(observedGroup ? { observedGroup } : {}), ...(baseline ? { baseline } : {}) });
    }
    case 'config-remediation':
    case 'config-compliance':
    case 'config-item': {
      const intent = planRemediationIntent(event, settings);
      const target = intent[0];
      if (!groupFile || target?.type !== 'remediate-group') return intent;
      return planRemediation(event, { settings, group: groupFromFile(readJsonFile(groupFile, 'group file'), target.groupId, groupFile) });
    }
    case 'ip-space-changed':
      return [{ type: 'ignore', reason: `explain does not fetch feeds: run 'sg-guardian ranges aws --file ip-ranges.json --expect-md5 ${event.md5}' for the set the Lambda would apply (syncToken ${event.syncToken})` }];
    case 'schedule':
    case 'invoke':
      return [{ type: 'ignore', reason: `a ${event.kind} event runs the feed syncs and the world-open sweep, which need AWS reads; explain shows no plan for it` }];
  }
}

function summary(event: GuardEvent): Record<string, unknown> {
  if (event.kind !== 'cloudtrail') return { ...event };
  return {
    name: event.eventName,
    groupId: event.groupId ?? event.createdRules[0]?.groupId ?? null,
    actor: event.actor.arn,
    failed: event.failed ? event.failed.errorCode : false,
    eventId: event.eventId,
    time: event.eventTime,
  };
}

function ranges(args: string[]) {
  const [source, ...rest] = args;
  if (source === 'aws') {
    const { positional, options } = parseArgs(rest, ['file', 'expect-md5', 'service', 'region', ...FLOOR_FLAGS]);
    if (positional.length || !options.file) throw new UsageError('ranges aws needs --file <ip-ranges.json>');
    // An unknown --service (a typo) is refused by the selection, naming it: never an empty list and exit 0.
    return rangesFromAwsFile(readBytes(options.file[0]!, 'ip-ranges file'), {
      ...(options['expect-md5'] ? { expectMd5: options['expect-md5'][0]! } : {}),
      ...(options.service ? { services: options.service } : {}),
      ...(options.region ? { regions: options.region } : {}),
      floors: floorsFrom(options),
    });
  }
  if (source === 'cloudflare') {
    const { positional, options } = parseArgs(rest, ['v4', 'v6', 'json', ...FLOOR_FLAGS]);
    if (positional.length) throw new UsageError(`unexpected argument ${positional[0]}`);
    if (options.json) return rangesFromCloudflare({ json: readJsonFile(options.json[0]!, 'Cloudflare API response') }, floorsFrom(options));
    if (!options.v4 || !options.v6) throw new UsageError('ranges cloudflare needs --v4 <file> --v6 <file>, or --json <file>');
    return rangesFromCloudflare({ v4Text: readText(options.v4[0]!, 'IPv4 list'), v6Text: readText(options.v6[0]!, 'IPv6 list') }, floorsFrom(options));
  }
  throw new UsageError(`ranges takes aws or cloudflare, not '${source ?? ''}'`);
}

const FLOOR_FLAGS = ['min-prefix-length-ipv4', 'min-prefix-length-ipv6'];

/** The plausibility floors of `ranges` (feeds.minPrefixLength in the settings). */
function floorsFrom(options: Record<string, string[]>): PrefixFloors {
  const floor = (family: 'ipv4' | 'ipv6', max: number): number => {
    const text = options[`min-prefix-length-${family}`]?.[0];
    if (text === undefined) return DEFAULT_PREFIX_FLOORS[family];
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < 1 || n > max) throw new UsageError(`--min-prefix-length-${family} must be a whole number 1-${max}, not '${text}'`);
    return n;
  };
  return { ipv4: floor('ipv4', 32), ipv6: floor('ipv6', 128) };
}

function readBytes(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${file}: ${(err as Error).message}`);
  }
}

function readText(file: string, what: string): string {
  return readBytes(file, what).toString('utf8');
}
