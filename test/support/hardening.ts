// Helpers for the hardening assertions (issue #10): read resources from `terraform show -json`
// state, add module arguments to an example through an override file, parse IAM policy JSON.
import fs from 'node:fs';
import path from 'node:path';
import type { Workspace } from './terraform.js';

export interface StateResource {
  address: string;
  type: string;
  values: Record<string, unknown>;
}
interface StateModule {
  resources?: StateResource[];
  child_modules?: StateModule[];
}
const flatten = (m: StateModule | undefined): StateResource[] => (m ? [...(m.resources ?? []), ...(m.child_modules ?? []).flatMap(flatten)] : []);

/** Every resource (and data source) in the workspace's state. */
export async function stateResources(ws: Workspace): Promise<StateResource[]> {
  const shown = JSON.parse((await ws.tf(['show', '-json', '-no-color'])).stdout) as { values?: { root_module?: StateModule } };
  return flatten(shown.values?.root_module);
}

/** The managed resource whose address ends with `suffix` (exactly one). */
export function one(resources: StateResource[], suffix: string): StateResource {
  const found = resources.filter((r) => r.address.endsWith(suffix) && !r.address.includes('.data.') && !r.address.startsWith('data.'));
  if (found.length !== 1) throw new Error(`expected one resource ending ${suffix}, found ${found.map((r) => r.address).join(', ') || 'none'}`);
  return found[0]!;
}

/**
 * Adds arguments to the example's `module "sg_guardian"` block with a Terraform override file
 * (merged into the block, so the example stays as users see it). Values are HCL expressions.
 */
export function overrideModule(ws: Workspace, args: Record<string, string>): void {
  const body = Object.entries(args)
    .map(([k, v]) => `  ${k} = ${v}`)
    .join('\n');
  fs.writeFileSync(path.join(ws.dir, 'hardening_override.tf'), `# Written by test/support/hardening.ts\nmodule "sg_guardian" {\n${body}\n}\n`);
}

export interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
export const statements = (policy: unknown): Statement[] => {
  const doc = (typeof policy === 'string' ? JSON.parse(policy) : policy) as { Statement: Statement | Statement[] };
  return Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
};
export const bySid = (policy: unknown, sid: string): Statement | undefined => statements(policy).find((s) => s.Sid === sid);
/** A condition value as a sorted list (IAM prints one value as a string). */
export const values = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? [...v].sort() : [v]);

/**
 * Addresses a plan would create, from the plan's machine-readable log (`plan -json`: one
 * "planned_change" message per resource change) — no plan file and no `show -json` (~5 s of CPU).
 */
export async function plannedAddresses(ws: Workspace, planArgs: string[]): Promise<string[]> {
  const { stdout } = await ws.tf(['plan', '-input=false', '-no-color', '-json', ...planArgs]);
  const messages = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string; change?: { resource: { addr: string }; action: string } });
  if (!messages.some((m) => m.type === 'change_summary')) throw new Error(`plan -json printed no change summary:\n${stdout.slice(-2000)}`);
  return messages.filter((m) => m.type === 'planned_change' && ['create', 'replace'].includes(m.change!.action)).map((m) => m.change!.resource.addr);
}
