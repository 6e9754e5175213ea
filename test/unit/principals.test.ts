// Matching the caller of a CloudTrail event against allowed-principal patterns and sg-guardian's own role.
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../lambda-src/core/model.js';
import { globMatches, isOwnRole, matchAllowedPrincipal, principalArns, roleOfSession, withoutRolePath } from '../../lambda-src/policy/principals.js';

// As decoded from the nuvibit EventBridge sample (SSO role with a path).
const sso: Actor = {
  type: 'AssumedRole',
  arn: 'arn:aws:sts::626708301729:assumed-role/AWSReservedSSO_AdministratorAccess_1f51a532758ff888/michael.ullrich@nuvibit.com',
  roleArn: 'arn:aws:iam::626708301729:role/aws-reserved/sso.amazonaws.com/eu-central-1/AWSReservedSSO_AdministratorAccess_1f51a532758ff888',
};
const user: Actor = { type: 'IAMUser', arn: 'arn:aws:iam::032092706103:user/christophe' };

describe('globMatches', () => {
  it.each([
    ['arn:aws:iam::123456789012:role/ci-*', 'arn:aws:iam::123456789012:role/ci-deploy', true],
    ['arn:aws:iam::123456789012:role/ci-*', 'arn:aws:iam::123456789012:role/cd-deploy', false],
    ['arn:aws:iam::*:role/ci-?', 'arn:aws:iam::123456789012:role/ci-1', true],
    ['arn:aws:iam::*:role/ci-?', 'arn:aws:iam::123456789012:role/ci-12', false],
    // `.` and other regex characters are literal
    ['arn:aws:iam::123456789012:user/a.b', 'arn:aws:iam::123456789012:user/aXb', false],
    ['arn:aws:iam::123456789012:user/(x)+', 'arn:aws:iam::123456789012:user/(x)+', true],
    // whole-string match: no prefix matching
    ['arn:aws:iam::123456789012:role/ci', 'arn:aws:iam::123456789012:role/ci-deploy', false],
    ['*', 'anything/at:all', true],
  ])('%s vs %s -> %s', (pattern, value, expected) => {
    expect(globMatches(pattern, value)).toBe(expected);
  });
});

describe('principalArns', () => {
  it('knows an assumed-role session by its ARN, its role ARN with path, and its role ARN without path', () => {
    expect(principalArns(sso)).toEqual([
      sso.arn,
      sso.roleArn,
      'arn:aws:iam::626708301729:role/AWSReservedSSO_AdministratorAccess_1f51a532758ff888',
    ]);
  });

  it('derives the role from the session ARN when sessionContext was absent', () => {
    expect(principalArns({ type: 'AssumedRole', arn: 'arn:aws-cn:sts::123456789012:assumed-role/deployer/run-7' })).toEqual([
      'arn:aws-cn:sts::123456789012:assumed-role/deployer/run-7',
      'arn:aws-cn:iam::123456789012:role/deployer',
    ]);
  });

  it('knows a user by its ARN only', () => {
    expect(principalArns(user)).toEqual([user.arn]);
  });

  it.each([
    ['arn:aws:iam::1:role/a/b/Name', 'arn:aws:iam::1:role/Name'],
    ['arn:aws:iam::1:role/Name', 'arn:aws:iam::1:role/Name'],
    ['arn:aws:iam::1:user/path/alice', 'arn:aws:iam::1:user/path/alice'],
  ])('withoutRolePath(%s) = %s', (arn, expected) => {
    expect(withoutRolePath(arn)).toBe(expected);
  });

  it('roleOfSession ignores ARNs that are not sessions', () => {
    expect(roleOfSession(user.arn)).toBeUndefined();
  });
});

describe('matchAllowedPrincipal', () => {
  it.each([
    ['the session ARN', 'arn:aws:sts::626708301729:assumed-role/AWSReservedSSO_Administrator*/*', sso.arn],
    ['the role ARN with its path', 'arn:aws:iam::626708301729:role/aws-reserved/*', sso.roleArn],
    ['the role ARN without its path', 'arn:aws:iam::626708301729:role/AWSReservedSSO_*', 'arn:aws:iam::626708301729:role/AWSReservedSSO_AdministratorAccess_1f51a532758ff888'],
  ])('matches an SSO session through %s', (_label, pattern, arn) => {
    expect(matchAllowedPrincipal(sso, ['arn:aws:iam::626708301729:user/nobody', pattern])).toEqual({ pattern, arn });
  });

  it('returns the first matching pattern', () => {
    expect(matchAllowedPrincipal(user, ['arn:aws:iam::032092706103:user/*', 'arn:aws:iam::*:user/christophe'])?.pattern).toBe('arn:aws:iam::032092706103:user/*');
  });

  it('matches nothing without patterns, or with patterns for other accounts', () => {
    expect(matchAllowedPrincipal(sso, [])).toBeUndefined();
    expect(matchAllowedPrincipal(sso, ['arn:aws:iam::111111111111:role/*', 'arn:aws:sts::111111111111:assumed-role/*'])).toBeUndefined();
  });
});

describe('isOwnRole', () => {
  const lambda: Actor = {
    type: 'AssumedRole',
    arn: 'arn:aws:sts::111122223333:assumed-role/sg-guardian-fn/sg-guardian-fn',
    roleArn: 'arn:aws:iam::111122223333:role/service/sg-guardian-fn',
  };

  it.each([
    ['the role ARN as Terraform reports it (with path)', 'arn:aws:iam::111122223333:role/service/sg-guardian-fn', true],
    ['the role ARN without its path', 'arn:aws:iam::111122223333:role/sg-guardian-fn', true],
    ['another role', 'arn:aws:iam::111122223333:role/sg-guardian-fn-other', false],
    ['the same role name in another account', 'arn:aws:iam::444455556666:role/service/sg-guardian-fn', false],
    ['unset', undefined, false],
  ])('selfRoleArn %s -> %s', (_label, selfRoleArn, expected) => {
    expect(isOwnRole(lambda, selfRoleArn)).toBe(expected);
  });

  it('is exact, not a pattern', () => {
    expect(isOwnRole(lambda, 'arn:aws:iam::111122223333:role/*')).toBe(false);
  });
});
