// Bounds checked before any schema sees an input: recursive code (zod, key canonicalisation) must
// never meet a 3,000-deep object, and nothing sg-guardian handles is near these sizes. The walk is
// iterative, so checking cannot overflow the stack either.
import { DecodeError } from '../core/model.js';

export const LIMITS = {
  /** Deepest real input: a Config item inside invokingEvent inside an SNS Message, about 12. */
  depth: 32,
  /** Objects, arrays and values in one input (a CloudTrail event is at most 256 KB). */
  nodes: 50_000,
  /** Characters in all strings and keys together. */
  chars: 1_000_000,
  /** One string value (a description is 255, an ARN 2,048; SNS Messages carry nested JSON). */
  string: 262_144,
} as const;

interface Node {
  value: unknown;
  depth: number;
  key?: string | number;
  parent?: Node;
}

/** Throws a DecodeError naming the first place an input exceeds LIMITS. */
export function checkBounds(raw: unknown, base = ''): void {
  const stack: Node[] = [{ value: raw, depth: 0 }];
  let nodes = 0;
  let chars = 0;
  const refuse = (why: string, at: Node): never => {
    throw new DecodeError(`${why}; refused before parsing`, pathOf(at, base));
  };
  while (stack.length) {
    const node = stack.pop()!;
    const { value, depth } = node;
    if (++nodes > LIMITS.nodes) refuse(`the input has more than ${LIMITS.nodes} values`, node);
    if (typeof value === 'string') {
      if (value.length > LIMITS.string) refuse(`a string of ${value.length} characters (limit ${LIMITS.string})`, node);
      chars += value.length;
    }
    if (chars > LIMITS.chars) refuse(`the input has more than ${LIMITS.chars} characters of text`, node);
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= LIMITS.depth) refuse(`nested deeper than ${LIMITS.depth} levels`, node);
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], depth: depth + 1, key: i, parent: node });
    } else {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        chars += key.length;
        stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, key, parent: node });
      }
    }
  }
}

/** The path is built only for the refusal: building one per value would cost more than the walk. */
function pathOf(node: Node, base: string): string {
  const keys: (string | number)[] = [];
  for (let n: Node | undefined = node; n?.key !== undefined; n = n.parent) keys.unshift(n.key);
  const sub = keys.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k.length > 40 ? `${k.slice(0, 40)}…` : k}`)).join('');
  return (base + sub).replace(/^\./, '') || '$';
}
