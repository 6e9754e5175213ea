// Who made a change, as ARNs a pattern can be written against. An assumed-role session
// (arn:aws:sts::123:assumed-role/Name/session) is also known by its role's ARN, with the role's
// path (sessionIssuer) and without it (derived from the session ARN): IAM role names are unique
// per account whatever their path, so both forms name the same role.
import type { Actor } from '../core/model.js';

const ASSUMED_ROLE = /^arn:(aws[a-z-]*):sts::(\d+):assumed-role\/([^/]+)(?:\/.*)?$/;
const ROLE = /^arn:(aws[a-z-]*):iam::(\d+):role\/(?:.*\/)?([^/]+)$/;

/** The ARNs the actor is known by: its own, its role's (as recorded), its role's without a path. */
export function principalArns(actor: Actor): string[] {
  const arns = [actor.arn, actor.roleArn, actor.roleArn && withoutRolePath(actor.roleArn), roleOfSession(actor.arn)];
  return [...new Set(arns.filter((a): a is string => typeof a === 'string' && a !== ''))];
}

/** arn:aws:sts::123:assumed-role/Name/session -> arn:aws:iam::123:role/Name (path unknown, so none). */
export function roleOfSession(arn: string): string | undefined {
  const m = ASSUMED_ROLE.exec(arn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : undefined;
}

/** arn:aws:iam::123:role/some/path/Name -> arn:aws:iam::123:role/Name; other ARNs unchanged. */
export function withoutRolePath(arn: string): string {
  const m = ROLE.exec(arn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : arn;
}

/**
 * Glob match over the whole string: `*` any run of characters (including `/` and `:`), `?` one
 * character. Greedy two pointers, backing up only to the last `*`: at most pattern × value steps,
 * never the exponential backtracking a regular expression risks (callers choose their own
 * role-session names, so a pattern must not be a way to stall the guard).
 */
export function globMatches(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1; // the last `*` seen in the pattern
  let resume = 0; // where in value that `*` currently ends
  while (v < value.length) {
    const c = pattern[p];
    if (c === '*') {
      star = p++;
      resume = v;
    } else if (p < pattern.length && (c === '?' || c === value[v])) {
      p++;
      v++;
    } else if (star >= 0) {
      // Let the last `*` take one more character and retry what follows it.
      p = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

export interface PrincipalMatch {
  pattern: string;
  /** Which of the actor's ARNs the pattern matched. */
  arn: string;
}

/** The first allowed pattern matching any ARN the actor is known by. */
export function matchAllowedPrincipal(actor: Actor, patterns: readonly string[]): PrincipalMatch | undefined {
  const arns = principalArns(actor);
  for (const pattern of patterns) {
    const arn = arns.find((a) => globMatches(pattern, a));
    if (arn) return { pattern, arn };
  }
  return undefined;
}

/** True when the actor is sg-guardian's own role (so its own reverts never trigger it). */
export function isOwnRole(actor: Actor, selfRoleArn: string | undefined): boolean {
  if (!selfRoleArn) return false;
  const self = new Set([selfRoleArn, withoutRolePath(selfRoleArn), roleOfSession(selfRoleArn)]);
  return principalArns(actor).some((arn) => self.has(arn));
}
