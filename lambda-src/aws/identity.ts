// Who is calling, and where: the operator CLI records the caller's ARN with each change it makes.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

export async function callerIdentity(): Promise<{ accountId: string; arn: string; region: string }> {
  const sts = new STSClient({});
  const id = await sts.send(new GetCallerIdentityCommand({}));
  return { accountId: id.Account ?? '', arn: id.Arn ?? 'unknown', region: await sts.config.region() };
}
