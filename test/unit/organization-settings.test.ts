// settings.organization: absent = single account; every field validated with an error naming it.
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../lambda-src/core/model.js';
import { parseSettings } from '../../lambda-src/policy/settings.js';

const parse = (organization: unknown) => parseSettings(JSON.stringify({ organization }));
const failure = (organization: unknown): { path: string; message: string } => {
  try {
    parse(organization);
  } catch (err) {
    if (err instanceof DecodeError) return { path: err.path, message: err.message };
    throw err;
  }
  throw new Error('expected a validation error');
};

describe('settings.organization', () => {
  it('is absent by default: single account, as before', () => {
    expect(parseSettings('{}').organization).toBeUndefined();
  });

  it('defaults the role name, concurrency and pace; keeps targets and the external id', () => {
    const org = parse({ externalId: 'sgg-hub-2026', targets: [{ accountId: '111111111111', regions: ['us-east-1', 'eu-west-1'] }] }).organization;
    expect(org).toEqual({
      memberRoleName: 'sg-guardian-member',
      externalId: 'sgg-hub-2026',
      targets: [{ accountId: '111111111111', regions: ['us-east-1', 'eu-west-1'] }],
      sweepConcurrency: 4,
      mutatingCallsPerSecond: 5,
    });
  });

  it('takes GovCloud, China and newer region names', () => {
    const regions = ['us-gov-west-1', 'cn-northwest-1', 'ap-southeast-5', 'il-central-1', 'eu-central-2'];
    expect(parse({ targets: [{ accountId: '222222222222', regions }] }).organization?.targets[0]?.regions).toEqual(regions);
  });

  it.each([
    [{ targets: [{ accountId: '12345678901', regions: ['us-east-1'] }] }, 'SG_GUARDIAN_CONFIG.organization.targets[0].accountId', /12-digit/],
    [{ targets: [{ accountId: 111111111111, regions: ['us-east-1'] }] }, 'SG_GUARDIAN_CONFIG.organization.targets[0].accountId', /string/],
    [{ targets: [{ accountId: '111111111111', regions: ['US-EAST-1'] }] }, 'SG_GUARDIAN_CONFIG.organization.targets[0].regions[0]', /region name/],
    [{ targets: [{ accountId: '111111111111', regions: ['us-east'] }] }, 'SG_GUARDIAN_CONFIG.organization.targets[0].regions[0]', /region name/],
    [{ targets: [{ accountId: '111111111111', regions: [] }] }, 'SG_GUARDIAN_CONFIG.organization.targets[0].regions', /at least one region/],
    [{ targets: [{ accountId: '111111111111', regions: ['us-east-1', 'us-east-1'] }] }, 'SG_GUARDIAN_CONFIG.organization.targets[0].regions', /twice/],
    [{ targets: [{ accountId: '111111111111', regions: ['us-east-1'] }, { accountId: '111111111111', regions: ['eu-west-1'] }] }, 'SG_GUARDIAN_CONFIG.organization.targets', /account twice/],
    [{ targets: [{ accountId: '111111111111', regions: ['us-east-1'], roleName: 'x' }] }, 'SG_GUARDIAN_CONFIG.organization.targets[0]', /roleName/],
    [{ memberRoleName: 'path/to/role' }, 'SG_GUARDIAN_CONFIG.organization.memberRoleName', /no path/],
    [{ memberRoleName: 'r'.repeat(65) }, 'SG_GUARDIAN_CONFIG.organization.memberRoleName', /role name/],
    [{ externalId: 'x' }, 'SG_GUARDIAN_CONFIG.organization.externalId', /2-1224/],
    [{ externalId: 'has space' }, 'SG_GUARDIAN_CONFIG.organization.externalId', /2-1224/],
    [{ sweepConcurrency: 0 }, 'SG_GUARDIAN_CONFIG.organization.sweepConcurrency', /./],
    [{ sweepConcurrency: 2.5 }, 'SG_GUARDIAN_CONFIG.organization.sweepConcurrency', /./],
    [{ mutatingCallsPerSecond: 0 }, 'SG_GUARDIAN_CONFIG.organization.mutatingCallsPerSecond', /./],
    [{ memberRole: 'typo' }, 'SG_GUARDIAN_CONFIG.organization', /memberRole/],
  ])('refuses %j at %s', (org, path, message) => {
    const f = failure(org);
    expect(f.path).toBe(path);
    expect(f.message).toMatch(message);
  });
});
