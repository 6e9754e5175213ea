// examples/slack-chat: a Slack channel of Amazon Q Developer in chat applications subscribed to the
// module's topic. moto has no Chatbot API, so this file stops at the plan (no apply): the planned
// channel configuration must subscribe exactly the module's topic, the topic's key must let SNS
// deliver, findings go to the account's default product, and the example's variables refuse IDs
// that are not Slack's. (The function's IAM policy names the topic and table ARNs, so it is known
// only after apply and is not asserted here.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulator } from '../support/aws.js';
import { workspace } from '../support/terraform.js';
import { planArguments } from '../support/variables-only.js';

interface PlanResource {
  address: string;
  type: string;
  values?: Record<string, unknown>;
  expressions?: Record<string, { references?: string[]; constant_value?: unknown }>;
}
interface Plan {
  planned_values: { root_module: { resources?: PlanResource[]; child_modules?: { address: string; resources?: PlanResource[]; child_modules?: unknown[] }[] } };
  configuration: { root_module: { resources: PlanResource[] } };
  resource_changes: { address: string; change: { after: Record<string, unknown> | null; after_unknown?: Record<string, unknown> } }[];
}

const VARS = ['-var', 'slack_workspace_id=T07EA123LEP', '-var', 'slack_channel_id=C07EZ1ABC23'];

describe('examples/slack-chat: init, validate and plan only (moto lacks Chatbot, so no apply)', () => {
  const ws = workspace('slack-chat', emulator().endpoint);
  let plan: Plan;
  afterAll(() => ws.cleanup());

  beforeAll(async () => {
    await ws.tf(['init', '-input=false', '-no-color']);
    await ws.tf(['plan', '-input=false', '-no-color', '-out=slack.tfplan', ...VARS]);
    plan = JSON.parse((await ws.tf(['show', '-json', '-no-color', 'slack.tfplan'])).stdout) as Plan;
  });

  it('validates', async () => {
    const validate = await ws.tf(['validate', '-no-color', '-json']);
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, error_count: 0 });
  });

  it("plans a Slack channel configuration subscribed to the module's notifications topic, with a read-only guardrail", () => {
    const config = plan.configuration.root_module.resources.find((r) => r.address === 'aws_chatbot_slack_channel_configuration.security');
    expect(config?.expressions?.sns_topic_arns?.references).toContain('module.sg_guardian.notifications_topic_arn');
    const change = plan.resource_changes.find((r) => r.address === 'aws_chatbot_slack_channel_configuration.security');
    expect(change?.change.after).toMatchObject({ slack_team_id: 'T07EA123LEP', slack_channel_id: 'C07EZ1ABC23', logging_level: 'ERROR', guardrail_policy_arns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] });
    // The topic ARN is known only after apply: one element, and it is the module's topic (above).
    expect(change?.change.after_unknown?.sns_topic_arns).toEqual([true]);
  });

  it("lets SNS use the topic's KMS key for delivery (no key permission needed by the channel)", () => {
    const policy = plan.resource_changes.find((r) => r.address === 'module.sg_guardian.module.kms_key[0].aws_kms_key.this')?.change.after?.policy;
    expect(typeof policy).toBe('string');
    const doc = JSON.parse(policy as string) as { Statement: { Sid: string; Action: string | string[]; Principal: { Service?: string | string[] } }[] };
    const deliver = doc.Statement.find((s) => s.Sid === 'AwsServicesDeliver');
    expect(deliver?.Principal.Service).toContain('sns.amazonaws.com');
    expect([deliver?.Action].flat()).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey']));
  });

  it("imports findings into the account's default product (the only product the function's IAM statement names)", () => {
    const account = emulator().accountId;
    const out = (plan as unknown as { planned_values: { outputs: Record<string, { value?: unknown }> } }).planned_values.outputs;
    expect(out.security_hub_product_arn?.value).toBe(`arn:aws:securityhub:us-east-1:${account}:product/${account}/default`);
  });

  // Over the example's variables.tf alone (no provider: ~0.5 s instead of a ~15 s plan).
  it('refuses a channel name and a malformed workspace ID at plan time, naming both', async () => {
    const bad = await planArguments('  slack_workspace_id = "acme"\n  slack_channel_id   = "#security"', 'examples/slack-chat/variables.tf');
    expect(bad.code).not.toBe(0);
    expect(bad.said).toMatch(/slack_channel_id must be a Slack channel ID/);
    expect(bad.said).toMatch(/slack_workspace_id must be a Slack workspace ID/);
  });
});
