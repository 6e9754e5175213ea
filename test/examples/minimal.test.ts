// The pattern every example test reuses: a real tofu/terraform binary runs init, validate, plan,
// apply and destroy of an example against the emulator.
import { afterAll, describe, expect, it } from 'vitest';
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { ec2, emulator, uniqueName } from '../support/aws.js';
import { tfBinary, withoutEmulatorGaps, workspace } from '../support/terraform.js';

describe('examples/minimal with terraform against the emulator', () => {
  const ws = workspace('minimal', emulator().endpoint);
  const name = uniqueName('sgg-min');
  afterAll(() => ws.cleanup());

  it('init, validate, apply (its plan creates the function), an empty re-plan, destroy', async () => {
    const version = await ws.tf(['version']);
    console.log(`[terraform] ${tfBinary()}: ${version.stdout.split('\n')[0]}`);

    await ws.tf(['init', '-input=false', '-no-color']);
    const validate = await ws.tf(['validate', '-no-color', '-json']);
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, error_count: 0 });

    // The apply prints its plan: a plan of its own first would only repeat it (~15 s of CPU).
    const outputs = await ws.apply({ name });
    expect(ws.applyLog).toContain('module.sg_guardian.module.function.aws_lambda_function.this will be created');
    expect(outputs.function_name).toBe(name);
    expect(String(outputs.notifications_topic_arn)).toMatch(new RegExp(`^arn:aws:sns:us-east-1:\\d{12}:${name}$`));

    // A second plan after apply is empty: the module converges (no perpetual diff).
    const replan = withoutEmulatorGaps(await ws.planChanges(), emulator().kind);
    expect(replan).toEqual([]);

    await ws.destroy({ name });
    const state = await ws.tf(['state', 'list']);
    expect(state.stdout.trim()).toBe('');
    // The emulator is still healthy after the destroy.
    await expect(ec2().send(new DescribeSecurityGroupsCommand({}))).resolves.toBeDefined();
  });
});
