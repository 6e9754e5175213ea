// Commands: explain <event.json> [--config f] [--group-file f]; ranges aws|cloudflare ...
// Exit codes: 0 ok, 2 bad input (the message names what was wrong), 1 unexpected.
import fs from 'node:fs';
import { DecodeError } from '../core/model.js';
import { decodeEvent } from '../events/decode.js';
import { parseSettings } from '../policy/settings.js';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export class UsageError extends Error {}

const USAGE = `usage:
  sg-guardian explain <event.json> [--config settings.json] [--group-file describe-security-groups.json]
  sg-guardian ranges aws --file <ip-ranges.json> [--expect-md5 <md5>] [--service S]... [--region R]...
  sg-guardian ranges cloudflare (--v4 <file> --v6 <file> | --json <file>)
`;

export function main(argv: string[], io: Io): number {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'explain':
        io.stdout(JSON.stringify(explain(rest), null, 2) + '\n');
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
    if (err instanceof DecodeError || err instanceof UsageError) {
      io.stderr(`sg-guardian: ${err.message}\n${err instanceof UsageError ? USAGE : ''}`);
      return 2;
    }
    io.stderr(`sg-guardian: unexpected error: ${err instanceof Error ? err.stack : String(err)}\n`);
    return 1;
  }
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
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new DecodeError(`is not valid JSON (${(err as Error).message})`, file);
  }
}

function explain(args: string[]) {
  const { positional, options } = parseArgs(args, ['config', 'group-file']);
  if (positional.length !== 1) throw new UsageError('explain takes exactly one event file');
  const configText = options.config?.[0] !== undefined ? fs.readFileSync(options.config[0], 'utf8') : process.env.SG_GUARDIAN_CONFIG;
  const settings = parseSettings(configText, options.config?.[0] ?? 'SG_GUARDIAN_CONFIG');
  const event = decodeEvent(readJsonFile(positional[0]!, 'event'));
  void settings;
  return { kind: event.kind, event, actions: [] };
}
