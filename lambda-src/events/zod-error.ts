import { DecodeError } from '../core/model.js';

/** Turns a zod error into a DecodeError naming the first offending path (prefixed by `base`). */
export function fromZod(error: { issues: { path: PropertyKey[]; message: string }[] }, base: string): DecodeError {
  const issue = error.issues[0];
  const sub = issue ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') : '';
  const path = (base + sub).replace(/^\./, '') || '$';
  return new DecodeError(issue?.message ?? 'invalid', path);
}
