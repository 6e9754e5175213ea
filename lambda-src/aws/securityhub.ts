// The Security Hub adapter: imports the findings the core built (BatchImportFindings, at most 100 a
// call) and reads back the open ones a sweep may resolve. A finding Security Hub refuses fails the
// import, like a failed publish: the run fails and is retried (same IDs: the retry updates in place).
import { BatchImportFindingsCommand, GetFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import type { AsffFinding } from '../notify/finding.js';

export type SecurityHub = SecurityHubClient;
export const createSecurityHub = (): SecurityHub => new SecurityHubClient({ maxAttempts: 5 });

const BATCH = 100;

export async function importFindings(hub: SecurityHub, findings: AsffFinding[]): Promise<void> {
  for (let i = 0; i < findings.length; i += BATCH) {
    const batch = findings.slice(i, i + BATCH);
    const res = await hub.send(new BatchImportFindingsCommand({ Findings: batch as AwsSecurityFinding[] }));
    if ((res.FailedCount ?? 0) > 0) {
      const why = (res.FailedFindings ?? []).map((f) => `${f.Id ?? '?'}: ${f.ErrorCode ?? ''} ${f.ErrorMessage ?? ''}`.trim()).join('; ');
      throw new Error(`Security Hub refused ${res.FailedCount} finding(s): ${why}`);
    }
  }
}

/**
 * The findings among `ids` that are still open (compliance FAILED, record ACTIVE). One query for
 * every open sg-guardian finding (few: most resolve at once), not one per group: GetFindings allows
 * 3 requests a second, and a sweep may find thousands of groups clean.
 */
export async function openFindings(hub: SecurityHub, productArn: string, ids: string[]): Promise<AsffFinding[]> {
  const wanted = new Set(ids);
  const out = new Map<string, AsffFinding>();
  let token: string | undefined;
  do {
    const res = await hub.send(
      new GetFindingsCommand({
        Filters: {
          GeneratorId: [{ Value: 'sg-guardian/', Comparison: 'PREFIX' }],
          ProductArn: [{ Value: productArn, Comparison: 'EQUALS' }],
          ComplianceStatus: [{ Value: 'FAILED', Comparison: 'EQUALS' }],
          RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
        },
        MaxResults: 100,
        NextToken: token,
      }),
    );
    // Filtered again here: the filter is the service's, the decision is ours.
    for (const f of res.Findings ?? []) {
      if (f.Id && wanted.has(f.Id) && f.ProductArn === productArn && f.Compliance?.Status === 'FAILED' && f.RecordState !== 'ARCHIVED') out.set(f.Id, asAsff(f));
    }
    token = res.NextToken || undefined;
  } while (token);
  return [...out.values()];
}

/** The fields sg-guardian wrote, from what Security Hub returns (which adds its own). */
function asAsff(f: AwsSecurityFinding): AsffFinding {
  const raw = f as unknown as Record<string, unknown>;
  const pick = <K extends keyof AsffFinding>(...keys: K[]) => Object.fromEntries(keys.filter((k) => raw[k] !== undefined).map((k) => [k, raw[k]]));
  return pick('SchemaVersion', 'Id', 'ProductArn', 'GeneratorId', 'AwsAccountId', 'Region', 'Types', 'CreatedAt', 'UpdatedAt', 'FirstObservedAt', 'LastObservedAt', 'Severity', 'Title', 'Description', 'Remediation', 'ProductFields', 'Resources', 'Compliance', 'Workflow', 'RecordState') as unknown as AsffFinding;
}
