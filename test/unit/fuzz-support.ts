// Shared by the fuzz suite (fuzz-*.test.ts): the real samples as seeds, hostile values, mutations,
// and the independent oracles the invariants are checked against. Not a test file itself.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect } from 'vitest';

export const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 1500));
export const SEED = Number(process.env.FUZZ_SEED ?? 15);
/** Per input, decode and plan together; the defect this guards against took more than 30 s. */
export const BUDGET_MS = 250;
/**
 * Runs `fn` (which asserts the invariants) within `budget` ms. One retry when over: on 2 shared
 * cores a GC pause or a neighbour's burst can stall any single case, but a slow input is slow twice.
 */
export function withinBudget<T>(fn: () => T, budget = BUDGET_MS): T {
  const t0 = performance.now();
  const result = fn();
  const first = performance.now() - t0;
  if (first < budget) return result;
  const t1 = performance.now();
  fn();
  expect(Math.min(first, performance.now() - t1), 'milliseconds for this input').toBeLessThan(budget);
  return result;
}

/** A vitest timeout that grows with FUZZ_RUNS (make fuzz), never below the project's 60 s. */
export const timeoutFor = (runs: number, msPerRun = 20) => Math.max(60_000, runs * msPerRun);

const SAMPLES = new URL('../fixtures/samples/', import.meta.url);
export const sampleText = (name: string): string => readFileSync(new URL(name, SAMPLES), 'utf8');
export const sampleJson = (name: string): unknown => JSON.parse(sampleText(name));

/** Every event sample (not the feeds), as the Lambda or `explain` would receive it. */
export const EVENT_SAMPLES: { name: string; body: unknown }[] = readdirSync(SAMPLES)
  .filter((n) => /^(cloudtrail|eventbridge|sns|config)-.*\.json$/.test(n))
  .map((name) => ({ name, body: sampleJson(name) }));

// ---- hostile values --------------------------------------------------------------------------

const deep = (n: number): unknown => {
  let v: unknown = 'x';
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

// Deep and long values stand in as markers, expanded by mutate(): fast-check prints counterexamples recursively.
const DEEP_40 = '<deep 40>';
const DEEP_3000 = '<deep 3000>';
const LONG = '<5000 x>';
const expand = (v: unknown): unknown => (v === DEEP_40 ? deep(40) : v === DEEP_3000 ? deep(3_000) : v === LONG ? 'x'.repeat(5_000) : structuredClone(v));

/** The spellings the defect report found, and their neighbours. */
const NASTY: unknown[] = [
  null, '', ' ', true, 'true', 'false', 0, -1, 1, 6, 17, 58, 255, 256, 65535, 65536, -2, 1.5, 1e21,
  '06', '006', 'tcp ', ' tcp', 'TCP', 'Tcp', 'tcp\u0000', '-1', '-01', 'all', 'icmp', 'icmpv6', '58', '47', '6', '+6', '0x6',
  '443', ' 443', '0443', '-1', '65536', 'ssh',
  '0.0.0.0/0', '::/0', '1.2.3.4/0', '10.0.0.1/8', '10.0.0.0/33', '10.0.0.0', '::ffff:1.2.3.0/120', '::ffff:0:0/96', '2001:db8::/32', '2001:DB8::/32', '1.2.3.4/32 ',
  'sg-1', 'sg-0123456789abcdef0', 'sgr-1', 'sgr-0aaaaaaaaaaaaaaaa', 'pl-1', 'pl-', 'sg-',
  'AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'ModifySecurityGroupRules',
  'ComplianceChangeNotification', 'ConfigurationItemChangeNotification', 'Notification',
  '\u001b[31mred\u001b[0m', 'line\nbreak', '\u202eevil', LONG,
  'arn:aws:sts::123456789012:assumed-role/' + 'a'.repeat(64) + '/' + 'b'.repeat(64),
  {}, [], { items: [] }, { items: {} }, { items: null }, { items: [{}] }, [{}],
  DEEP_40, DEEP_3000,
];

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.integer({ min: -3, max: 70_000 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

// ---- mutations -------------------------------------------------------------------------------

type Path = (string | number)[];

/** Every path to a value (containers included), down to depth 48 (deeper values are mutated whole). */
function paths(root: unknown): Path[] {
  const out: Path[] = [];
  const stack: [unknown, Path][] = [[root, []]];
  while (stack.length) {
    const [v, at] = stack.pop()!;
    out.push(at);
    if (at.length >= 48) continue;
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, [...at, i]]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) stack.push([x, [...at, k]]);
  }
  return out;
}

const clone = <T>(v: T): T => structuredClone(v);

function update(root: unknown, path: Path, f: (v: unknown, parent: Record<string | number, unknown>, key: string | number) => void): unknown {
  if (path.length === 0) return root;
  let parent = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  f(parent[path.at(-1)!], parent, path.at(-1)!);
  return root;
}

export type Op =
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'copy'; at: number; from: number }
  | { kind: 'open-json'; at: number }
  | { kind: 'close-json'; at: number }
  | { kind: 'flip-direction' }
  | { kind: 'sns'; records: number };

export const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: hostileValue }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('copy' as const), at: fc.nat(), from: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('open-json' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close-json' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'flip-direction' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sns' as const), records: fc.constantFrom(1, 1, 1, 2, 3) }) },
);

/** Applies the mutations in order to a copy of the seed. */
export function mutate(seed: unknown, ops: Op[]): unknown {
  let v = clone(seed);
  for (const o of ops) {
    const all = paths(v);
    const pick = (n: number) => all[n % all.length]!;
    switch (o.kind) {
      case 'set': {
        const p = pick(o.at);
        v = p.length === 0 ? expand(o.value) : update(v, p, (_x, parent, k) => void (parent[k] = expand(o.value)));
        break;
      }
      case 'delete':
        v = update(v, pick(o.at), (_x, parent, k) => (Array.isArray(parent) ? parent.splice(Number(k), 1) : delete parent[k]));
        break;
      case 'copy': {
        // Only shallow-enough values: copying a 3,000-deep value into itself would test the harness, not the code.
        const src = getAt(v, pick(o.from));
        if (depthOf(src) <= 48) v = update(v, pick(o.at), (_x, parent, k) => void (parent[k] = clone(src)));
        break;
      }
      case 'open-json':
        v = update(v, pick(o.at), (x, parent, k) => {
          if (typeof x === 'string' && /^\s*[[{]/.test(x)) {
            try {
              parent[k] = JSON.parse(x) as unknown;
            } catch {
              /* not JSON: leave it */
            }
          }
        });
        break;
      case 'close-json':
        v = update(v, pick(o.at), (x, parent, k) => void (x && typeof x === 'object' ? (parent[k] = JSON.stringify(x)) : undefined));
        break;
      case 'flip-direction':
        v = JSON.parse(JSON.stringify(v).replace(/(Ingress|Egress)/g, (m) => (m === 'Ingress' ? 'Egress' : 'Ingress'))) as unknown;
        break;
      case 'sns': {
        const record = { EventSource: 'aws:sns', Sns: { Type: 'Notification', MessageId: 'm-1', TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: JSON.stringify(v) } };
        v = { Records: Array.from({ length: o.records }, () => clone(record)) };
        break;
      }
    }
  }
  return v;
}

function depthOf(root: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    max = Math.max(max, d);
    if (d > 48) return d;
    if (v && typeof v === 'object') for (const x of Object.values(v)) stack.push([x, d + 1]);
  }
  return max;
}

function getAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const k of path) v = (v as Record<string | number, unknown>)[k];
  return v;
}

// ---- oracles ---------------------------------------------------------------------------------

/** Every object in the input, JSON strings opened (SNS Message, invokingEvent), iteratively. */
export function objectsIn(raw: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const stack: unknown[] = [raw];
  let budget = 200_000;
  while (stack.length && budget-- > 0) {
    const v = stack.pop();
    if (typeof v === 'string' && /^\s*[[{]/.test(v) && v.length < 1_000_000) {
      try {
        stack.push(JSON.parse(v) as unknown);
      } catch {
        /* plain text */
      }
    } else if (Array.isArray(v)) stack.push(...(v as unknown[]));
    else if (v && typeof v === 'object') {
      out.push(v as Record<string, unknown>);
      stack.push(...(Object.values(v) as unknown[]));
    }
  }
  return out;
}

/** Every string and number directly or deeply inside `o` (JSON strings not opened: one rule object). */
export function leaves(o: unknown): Set<string> {
  const out = new Set<string>();
  const stack: unknown[] = [o];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string' || typeof v === 'number') out.add(String(v));
    else if (Array.isArray(v)) stack.push(...(v as unknown[]));
    else if (v && typeof v === 'object') stack.push(...(Object.values(v) as unknown[]));
  }
  return out;
}

export const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/; // eslint-disable-line no-control-regex
