// `sg-guardian status` usage and settings errors: exit 2 with a message naming what was wrong,
// before any AWS call (no credentials exist here; an AWS call would fail as exit 1 instead).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lambda-src/cli/main.js';

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

function settingsFile(doc: object) {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sgg-status-')), 'settings.json');
  fs.writeFileSync(f, JSON.stringify(doc));
  return f;
}

describe('sg-guardian status: usage and settings errors exit 2', () => {
  it.each<[string, string[], RegExp]>([
    ['an unknown option', ['status', '--bogus', 'x'], /unknown option --bogus/],
    ['a stray argument', ['status', 'sg-0123456789abcdef0'], /status takes no argument 'sg-0123456789abcdef0'/],
    ['an unreadable --config', ['status', '--config', '/nonexistent/settings.json'], /cannot read settings \/nonexistent\/settings.json/],
    ['settings without the state table', ['status', '--config', settingsFile({})], /state\.tableName: names no table/],
    ['a malformed waiver in the settings', ['status', '--config', settingsFile({ state: { tableName: 'sg-guardian-state' }, waivers: [{ groupId: 'sg-0123456789abcdef0', protocol: 'tcp', fromPort: 1, toPort: 1, source: '10.0.0.0/8', expires: 'soon', reason: 'r', owner: 'o' }] })], /waivers\[0\]\.expires: must be an RFC 3339 time/],
  ])('%s', async (_label, argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });

  it('is listed in the usage', async () => {
    const r = await cli('--help');
    expect(r.out).toContain('sg-guardian status [--json] [--config settings.json]');
    expect(r.out).not.toContain('import ');
  });
});
