// The Lambda entry point: thin. Settings are validated once per container; each event is decoded,
// planned and executed by runtime/run.ts. Logs are structured JSON (Powertools Logger) and the
// counts of reverted / ignored / failed actions go out as EMF metrics.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { type Ec2, createEc2 } from './aws/ec2.js';
import { type ScopeClients, createScopeClients } from './aws/scopes.js';
import { fetchBytes } from './aws/http.js';
import { createSns } from './aws/sns.js';
import { type SecurityHub, createSecurityHub } from './aws/securityhub.js';
import { createStateStore } from './aws/state.js';
import { MemoryStateStore } from './core/memory-state.js';
import type { StateStore } from './core/state.js';
import { type Settings, parseSettings } from './policy/settings.js';
import { runMetrics } from './notify/metrics.js';
import { type RunResult, runEvent } from './runtime/run.js';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'sg-guardian' });
// The service dimension is the function's name, so two deployments in one account alarm separately.
const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'sg-guardian', serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'sg-guardian' });
const ec2 = createEc2();
const sns = createSns();
let settings: Settings | undefined;
// Only a deployment with findings on builds the Security Hub client.
let securityHub: SecurityHub | undefined;
let state: StateStore | undefined;
// settings.organization: paced clients per account and region, member accounts through the assumed role.
let scopes: ScopeClients | undefined;

export const handler = async (event: unknown, context?: Context): Promise<RunResult> => {
  if (context) logger.addContext(context);
  settings ??= parseSettings(process.env.SG_GUARDIAN_CONFIG);
  // The module always sets a table; without one (a hand-made deployment) state lasts a container.
  state ??= settings.state.tableName ? createStateStore(settings.state.tableName) : new MemoryStateStore();
  const home = { accountId: accountOf(settings.selfRoleArn), region: process.env.AWS_REGION };
  let homeEc2: Ec2 = ec2;
  if (settings.organization && home.accountId && home.region) {
    scopes ??= createScopeClients({ settings });
    homeEc2 = scopes.ec2({ accountId: home.accountId, region: home.region, member: false });
  }
  try {
    if (settings.securityHub.enabled) securityHub ??= createSecurityHub();
    const result = await runEvent(event, settings, { ec2: homeEc2, sns, ...(securityHub ? { securityHub } : {}), fetch: fetchBytes, state, home, ...(scopes ? { scopes } : {}), log: (m, extra) => logger.info(m, extra ?? {}) });
    const m = runMetrics(result);
    const failed = result.results.filter((r) => r.status === 'failed');
    // EMF: per feed synced, whether its targets hold it (modules/alarms: "feed not applied for N days").
    for (const f of m.feedInSync) {
      const single = metrics.singleMetric();
      single.addDimension('feed', f.feed);
      single.addMetric('feedInSync', MetricUnit.Count, f.value);
    }
    // EMF: what was changed (reverted / replaced / synced), what was ignored, what failed.
    metrics.addDimension('kind', result.kind);
    metrics.addMetric('applied', MetricUnit.Count, m.applied);
    metrics.addMetric('ignored', MetricUnit.Count, m.ignored);
    metrics.addMetric('failed', MetricUnit.Count, m.failed);
    logger.info('handled', { kind: result.kind, actions: result.actions.length, applied: m.applied });
    if (failed.length > 0) {
      // Fail the invocation so the retry / dead-letter path sees it; every action is idempotent.
      throw new Error(`${failed.length} action(s) failed: ${failed.map((r) => r.detail).join('; ')}`);
    }
    return result;
  } catch (err) {
    logger.error('event not handled', err as Error);
    throw err;
  } finally {
    metrics.publishStoredMetrics();
  }
};

/** The account of the function's own role: the account this function guards. */
function accountOf(roleArn: string | undefined): string | undefined {
  return roleArn ? /^arn:[^:]+:iam::(\d{12}):/.exec(roleArn)?.[1] : undefined;
}
