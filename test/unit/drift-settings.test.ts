// The "drift" settings section: defaults, and errors that name the offending key.
import { describe, expect, it } from 'vitest';
import { fromZod } from '../../lambda-src/events/zod-error.js';
import { DriftSettingsSchema } from '../../lambda-src/policy/drift-settings.js';
import { SettingsSchema } from '../../lambda-src/policy/settings.js';

const errorPath = (input: unknown): string => {
  const parsed = DriftSettingsSchema.safeParse(input);
  if (parsed.success) throw new Error('expected a validation error');
  return fromZod(parsed.error, 'drift').path;
};

describe('DriftSettingsSchema', () => {
  it('defaults an absent section to: on, every group, egress too, nobody allowed', () => {
    const expected = { enabled: true, guardedGroupIds: [], guardEgress: true, allowedPrincipalArns: [] };
    expect(DriftSettingsSchema.parse(undefined)).toEqual(expected);
    expect(SettingsSchema.parse({}).drift).toEqual(expected);
  });

  it('keeps what is set and defaults the rest', () => {
    expect(DriftSettingsSchema.parse({ guardTag: { key: 'guard', value: 'yes' }, guardEgress: false })).toEqual({
      enabled: true,
      guardedGroupIds: [],
      guardTag: { key: 'guard', value: 'yes' },
      guardEgress: false,
      allowedPrincipalArns: [],
    });
  });

  it.each([
    ['a typo', { guardEgres: false }, 'drift'],
    ['a malformed group ID', { guardedGroupIds: ['sg-0123456789abcdef0', 'sg-XYZ'] }, 'drift.guardedGroupIds[1]'],
    ['a pattern that is not an ARN', { allowedPrincipalArns: ['ci-*'] }, 'drift.allowedPrincipalArns[0]'],
    ['a tag without value', { guardTag: { key: 'guard' } }, 'drift.guardTag.value'],
    ['a typo inside guardTag', { guardTag: { key: 'guard', value: 'yes', Value: 'yes' } }, 'drift.guardTag'],
  ])('rejects %s at %s', (_label, input, path) => {
    expect(errorPath(input)).toBe(path);
  });
});
