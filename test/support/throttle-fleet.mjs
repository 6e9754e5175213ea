// The throttling scenario's fleet, made straight on the emulator (not through the proxy): N tagged
// groups in one VPC, then one unexplained inbound rule on each; and the check that none is left.
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateVpcCommand, DescribeSecurityGroupRulesCommand } from '@aws-sdk/client-ec2';

async function pool(items, limit, work) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i], i);
    }
  }));
}

/** @param {import('@aws-sdk/client-ec2').EC2Client} ec2 */
export async function createFleet(ec2, count, tag, prefix) {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.77.0.0/16' }))).Vpc?.VpcId;
  /** @type {string[]} */
  const ids = new Array(count);
  await pool([...Array(count).keys()], 4, async (i) => {
    const res = await ec2.send(new CreateSecurityGroupCommand({
      GroupName: `${prefix}-${i}`,
      Description: 'sg-guardian throttling fleet',
      VpcId: vpcId,
      TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: tag.key, Value: tag.value }] }],
    }));
    ids[i] = res.GroupId ?? '';
  });
  return ids;
}

/** One rule no event explains on every group (port 10000 + i). */
export async function openFleet(ec2, ids) {
  await pool(ids, 4, (groupId, i) =>
    ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 10000 + i, ToPort: 10000 + i, IpRanges: [{ CidrIp: '198.51.100.0/24' }] }] })));
}

/** Inbound rules left on the fleet's groups (by describe). */
export async function inboundLeft(ec2, ids) {
  let left = 0;
  for (let i = 0; i < ids.length; i += 200) {
    let NextToken;
    do {
      const page = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: ids.slice(i, i + 200) }], NextToken, MaxResults: 1000 }));
      left += (page.SecurityGroupRules ?? []).filter((r) => !r.IsEgress).length;
      NextToken = page.NextToken;
    } while (NextToken);
  }
  return left;
}
