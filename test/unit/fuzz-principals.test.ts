// Principal globs (issue #15): the two-pointer matcher agrees with the regular expression it
// replaced on small inputs, and stays fast on adversarial ones (a caller picks its own session name).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatches } from '../../lambda-src/policy/principals.js';
import { PRINCIPAL_PATTERN_MAX } from '../../lambda-src/policy/drift-settings.js';
import { RUNS, SEED, timeoutFor, withinBudget } from './fuzz-support.js';

/** The old implementation: exact semantics, exponential worst case; only ever fed short strings here. */
function regexGlob(pattern: string, value: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(value);
}

const small = (chars: string[], max: number) => fc.array(fc.constantFrom(...chars), { maxLength: max }).map((a) => a.join(''));

describe('fuzz: principal glob matching', () => {
  it(`agrees with the regular-expression glob on ${RUNS} small cases`, { timeout: timeoutFor(RUNS, 1) }, () => {
    fc.assert(
      fc.property(small(['a', 'b', '/', ':', '*', '?', '.'], 10), small(['a', 'b', '/', ':', '.', '\n'], 14), (pattern, value) => {
        expect(globMatches(pattern, value)).toBe(regexGlob(pattern, value));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(`stays under 100 ms for any pattern up to ${PRINCIPAL_PATTERN_MAX} characters against a 2,048-character ARN`, { timeout: timeoutFor(RUNS) }, () => {
    const runs = Math.max(1, Math.floor(RUNS / 10));
    fc.assert(
      fc.property(small(['a', '*', '?', 'b'], 64), fc.nat(PRINCIPAL_PATTERN_MAX - 64), (head, pad) => {
        // '*aaa…ab' against 'aaa…a' was the two-pointer matcher's worst case (30 ms; 132 ms under load in make fuzz).
        const pattern = (head + '*' + 'a'.repeat(pad)).slice(0, PRINCIPAL_PATTERN_MAX - 1) + 'b';
        withinBudget(() => globMatches(pattern, 'a'.repeat(2_048)), 100);
      }),
      { seed: SEED, numRuns: runs },
    );
  });
});
