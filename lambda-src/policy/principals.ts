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
 * character. No regular expression (callers choose their own role-session names, so a pattern must
 * not be a way to stall the guard): the text between stars must start and end the value, and each
 * middle piece is taken at its leftmost place, which is always safe for `*`. Pieces without `?`
 * are found with indexOf; a piece with `?` checks only its literal characters at each place.
 */
export function globMatches(pattern: string, value: string): boolean {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return pattern.length === value.length && matchesAt(pattern, value, 0);
  const head = pieces[0]!;
  const tail = pieces[pieces.length - 1]!;
  const end = value.length - tail.length;
  if (head.length > end || !matchesAt(head, value, 0) || !matchesAt(tail, value, end)) return false;
  let from = head.length;
  for (const piece of pieces.slice(1, -1)) {
    if (piece === '') continue;
    const at = find(piece, value, from, end);
    if (at < 0) return false;
    from = at + piece.length;
  }
  return true;
}

function matchesAt(piece: string, value: string, at: number): boolean {
  for (let i = 0; i < piece.length; i++) if (piece[i] !== '?' && piece[i] !== value[at + i]) return false;
  return true;
}

/** The leftmost place >= from where `piece` fits before `end`, or -1. */
function find(piece: string, value: string, from: number, end: number): number {
  if (!piece.includes('?')) {
    const at = value.indexOf(piece, from);
    return at >= 0 && at + piece.length <= end ? at : -1;
  }
  for (let at = from; at + piece.length <= end; at++) if (matchesAt(piece, value, at)) return at;
  return -1;
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
