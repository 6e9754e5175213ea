// Defaults that live in two languages stay equal: the module's Config rule name and the CLI's, the
// ip-ranges.json service names Terraform validates against and the TypeScript list.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KNOWN_AWS_SERVICES } from '../../lambda-src/feeds/aws-ip-ranges.js';
import { DEFAULT_DEPLOYMENT_NAME, DEFAULT_WORLD_OPEN_CONFIG_RULE, WORLD_OPEN_CONFIG_RULE_SUFFIX } from '../../lambda-src/policy/world-open-settings.js';
import { parseSettings } from '../../lambda-src/policy/settings.js';

const root = path.resolve(import.meta.dirname, '../..');
const read = (f: string) => fs.readFileSync(path.join(root, f), 'utf8');

describe('defaults shared by the module and the function/CLI', () => {
  it('the Config rule: variables.tf name default + main.tf suffix = the settings default', () => {
    expect(/variable "name" \{[^}]*?default\s*=\s*"([^"]+)"/s.exec(read('variables.tf'))?.[1]).toBe(DEFAULT_DEPLOYMENT_NAME);
    expect(read('main.tf')).toContain(`coalesce(var.world_open_config_rule_name, "\${var.name}${WORLD_OPEN_CONFIG_RULE_SUFFIX}")`);
    expect(parseSettings('{}').worldOpen.configRuleName).toBe(DEFAULT_WORLD_OPEN_CONFIG_RULE);
    expect(DEFAULT_WORLD_OPEN_CONFIG_RULE).toBe('sg-guardian-sg-open-only-to-authorized-ports');
  });

  it('cloudfront_feed_services is validated against KNOWN_AWS_SERVICES, which covers the sample ip-ranges.json', () => {
    const vars = read('variables.tf');
    const block = /variable "cloudfront_feed_services" \{[\s\S]*?contains\(\[([\s\S]*?)\], s\)/.exec(vars)?.[1];
    expect(block, 'variables.tf: the contains([...]) list of cloudfront_feed_services').toBeDefined();
    const inTerraform = [...block!.matchAll(/"([A-Z0-9_]+)"/g)].map((m) => m[1]);
    expect(inTerraform).toEqual([...KNOWN_AWS_SERVICES]);
    const sample = JSON.parse(read('test/fixtures/samples/ip-ranges_2024-07-09_syncToken1720490589_md5-7d512815_matches-vincent119-message_joetek.json')) as {
      prefixes: { service: string }[];
      ipv6_prefixes: { service: string }[];
    };
    const published = [...new Set([...sample.prefixes, ...sample.ipv6_prefixes].map((p) => p.service))].sort();
    expect(published).toEqual([...KNOWN_AWS_SERVICES].sort());
  });
});
