import { DecodeError } from '../core/model.js';

interface Issue {
  path: PropertyKey[];
  message: string;
  code?: string;
  expected?: string;
  errors?: Issue[][];
}

/** Turns a zod error into a DecodeError naming the first offending path (prefixed by `base`) and why. */
export function fromZod(error: { issues: Issue[] }, base: string): DecodeError {
  const first = error.issues[0];
  const { path, message } = first ? explain(first) : { path: [], message: 'invalid' };
  const sub = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return new DecodeError(message, (base + sub).replace(/^\./, '') || '$');
}

/**
 * zod 4 says only "Invalid input" for a union: say what each alternative expected, or follow the
 * alternative that got furthest (the one the input was evidently meant as).
 */
function explain(issue: Issue): { path: PropertyKey[]; message: string } {
  if (issue.code === 'invalid_union' && issue.errors?.length) {
    const firsts = issue.errors.map((branch) => branch[0]).filter((i): i is Issue => i !== undefined);
    if (firsts.length && firsts.every((i) => i.code === 'invalid_type' && i.path.length === 0)) {
      const expected = [...new Set(firsts.map((i) => typeName(i.expected)))].join(' or ');
      return { path: issue.path, message: `expected ${expected}, got ${received(firsts[0]!.message)}` };
    }
    const deepest = firsts.reduce((a, b) => (rank(b) > rank(a) ? b : a), firsts[0]!);
    if (deepest) {
      const inner = explain(deepest);
      return { path: [...issue.path, ...inner.path], message: inner.message };
    }
  }
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) {
    const got = received(issue.message);
    return { path: issue.path, message: got === 'undefined' ? `is missing (expected ${typeName(issue.expected)})` : `expected ${typeName(issue.expected)}, got ${got}` };
  }
  const message = issue.message.replace(/^Invalid input: /, '');
  return { path: issue.path, message: message === 'Invalid input' ? 'is not a value this field takes' : message };
}

/** An alternative that went deeper into the input, or failed on its value rather than its type, is the likelier intent. */
function rank(i: Issue): number {
  return i.path.length * 2 + (i.code === 'invalid_type' ? 0 : 1);
}

function typeName(t: string | undefined): string {
  return t === 'record' ? 'object' : (t ?? 'another type');
}

function received(message: string): string {
  return /received (\w+)/.exec(message)?.[1] ?? 'another type';
}
