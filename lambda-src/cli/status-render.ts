// `sg-guardian status` for people: one table per section, per scope (account / region). Pure.
import { escapeControl } from '../core/excerpt.js';
import type { StatusReport } from './status-report.js';

/** Columns padded to their widest cell; the last column is not padded (it may be long). */
export function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return '  (none)';
  const all = [header, ...rows].map((r) => r.map((c) => escapeControl(c)));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd()).join('\n');
}

const STATE: Record<string, string> = { 'in-sync': 'in sync', drift: 'DRIFT', 'not-enrolled': 'not enrolled', missing: 'MISSING', behind: 'BEHIND', 'never-applied': 'NEVER APPLIED', unreadable: 'UNREADABLE', active: 'active', expired: 'EXPIRED' };

function left(seconds: number): string {
  if (seconds <= 0) return 'expired';
  if (seconds >= 86_400) return `${Math.floor(seconds / 86_400)}d left`;
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}h left`;
  return `${Math.ceil(seconds / 60)}m left`;
}

export function renderStatus(report: StatusReport): string {
  const out: string[] = [`sg-guardian status at ${report.generatedAt}`];
  for (const s of report.scopes) {
    if (s.unread !== undefined) {
      out.push('', `== ${s.accountId} / ${s.region} ==`, '', `NOT READ: ${s.unread}`);
      continue;
    }
    out.push('', `== ${s.accountId} / ${s.region} ==`, '', 'Guarded groups (drift from desired state):');
    out.push(
      table(
        ['GROUP', 'NAME', 'STATE', 'BASELINE', 'OBSERVED', 'DIFFERENCES'],
        s.groups.flatMap((g) => {
          const notes = [
            ...g.differences.map((d) => `${d.kind} ${d.rule}${d.waiverExpired ? ` (waiver expired ${d.waiverExpired})` : d.unexplainedSince ? ` (unexplained since ${d.unexplainedSince})` : ''}`),
            ...g.waived.map((w) => `kept ${w}`),
          ];
          const first = [g.groupId, g.groupName ?? '', STATE[g.state] ?? g.state, g.baselineRules === undefined ? '-' : String(g.baselineRules), g.observedRules === undefined ? '-' : String(g.observedRules), notes[0] ?? '-'];
          return [first, ...notes.slice(1).map((n) => ['', '', '', '', '', n])];
        }),
      ),
    );
    out.push('', 'World-open rules in scope:', table(['GROUP', 'RULE', 'WHY'], s.worldOpen.map((w) => [w.groupId, w.rule, w.why])));
    out.push(
      '',
      'Waivers:',
      table(
        ['GROUP', 'RULE', 'EXPIRES', 'STATE', 'IN USE', 'OWNER', 'REASON'],
        s.waivers.map((w) => [w.groupId, w.rule, `${w.expires} (${left(w.secondsLeft)})`, STATE[w.state] ?? w.state, w.inUse ? 'yes' : 'no', w.owner, w.reason]),
      ),
    );
  }
  out.push(
    '',
    'Feeds (syncToken applied vs published):',
    table(
      ['FEED', 'TARGETS', 'APPLIED', 'PUBLISHED', 'STATE'],
      report.feeds.map((f) => [
        f.feed,
        f.targets.join(' ') || '-',
        f.applied ? `${f.applied.syncToken ?? '-'} ${f.applied.hash ?? ''}`.trim() : '-',
        f.published ? `${f.published.syncToken ?? '-'} ${f.published.hash}` : '-',
        `${STATE[f.state] ?? f.state}${f.error ? ` (${f.error})` : ''}`,
      ]),
    ),
  );
  out.push('', `Result: ${report.summary}`);
  return out.join('\n') + '\n';
}
