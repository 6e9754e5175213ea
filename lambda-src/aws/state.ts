// The DynamoDB adapter of the StateStore: one table, one string partition key `pk`.
//   group#<account>#<region>#<group-id>  the group's desired state (baseline), with a version
//   feed#<feed>                          the last feed applied (syncToken, hash)
//   event#<event-id>                     the ledger: in-progress (with a lock expiry) or complete
// Decisions read consistently; every write is conditional, so two invocations never both win.
// Ledger items carry `expiration` (epoch seconds), the table's TTL attribute; state items do not.
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { type FeedRecord, type GroupRecord, type GroupRef, type LedgerClaim, StateConflictError, type StateStore, groupKey } from '../core/state.js';

type Item = Record<string, AttributeValue>;

export function createStateStore(tableName: string, client = new DynamoDBClient({ maxAttempts: 5 })): StateStore {
  const get = async (pk: string): Promise<Item | undefined> => (await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk } }, ConsistentRead: true }))).Item;

  /** Put `doc` (JSON) under pk at version expected+1, only if the stored version is `expected`. */
  const putVersioned = async (pk: string, doc: object, expected: number | undefined): Promise<void> => {
    const version = (expected ?? 0) + 1;
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: { pk: { S: pk }, version: { N: String(version) }, doc: { S: JSON.stringify({ ...doc, version }) } },
          ...(expected === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': { N: String(expected) } } }),
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as { name?: string }).name === 'ConditionalCheckFailedException') throw new StateConflictError(pk);
      throw err;
    }
  };
  const docOf = <T>(item: Item | undefined): T | undefined => (item?.doc?.S ? (JSON.parse(item.doc.S) as T) : undefined);

  return {
    getGroup: async (ref: GroupRef) => docOf<GroupRecord>(await get(groupKey(ref))),
    listGroups: async () => {
      const out: GroupRecord[] = [];
      let ExclusiveStartKey: Item | undefined;
      do {
        const page = await client.send(
          new ScanCommand({ TableName: tableName, ConsistentRead: true, FilterExpression: 'begins_with(pk, :p)', ExpressionAttributeValues: { ':p': { S: 'group#' } }, ExclusiveStartKey }),
        );
        for (const item of page.Items ?? []) {
          const doc = docOf<GroupRecord>(item);
          if (doc) out.push(doc);
        }
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return out;
    },
    putGroup: (record, expected) => putVersioned(groupKey(record), record, expected),
    deleteGroup: async (ref) => {
      await client.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: { S: groupKey(ref) } } }));
    },
    getFeed: async (feed) => docOf<FeedRecord>(await get(`feed#${feed}`)),
    putFeed: (record, expected) => putVersioned(`feed#${record.feed}`, record, expected),

    claimEvent: async (eventId, now, lockSeconds): Promise<LedgerClaim> => {
      const nowSeconds = Math.floor(now.getTime() / 1000);
      try {
        // Claim when there is no item, or an in-progress item whose lock expired (a crashed
        // invocation); a complete item or a live lock fails the condition.
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: { pk: { S: `event#${eventId}` }, status: { S: 'in-progress' }, lockUntil: { N: String(nowSeconds + lockSeconds) }, expiration: { N: String(nowSeconds + 86_400) } },
            ConditionExpression: 'attribute_not_exists(pk) OR (#s = :busy AND lockUntil < :now)',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':busy': { S: 'in-progress' }, ':now': { N: String(nowSeconds) } },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { status: 'claimed' };
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException) && (err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
        const old = (err as ConditionalCheckFailedException).Item ?? (await get(`event#${eventId}`));
        return old?.status?.S === 'complete' ? { status: 'done', completedAt: old.completedAt?.S ?? '' } : { status: 'busy' };
      }
    },
    completeEvent: async (eventId, now, ttlSeconds) => {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { pk: { S: `event#${eventId}` } },
          UpdateExpression: 'SET #s = :done, completedAt = :at, expiration = :exp REMOVE lockUntil',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':done': { S: 'complete' }, ':at': { S: now.toISOString() }, ':exp': { N: String(Math.floor(now.getTime() / 1000) + ttlSeconds) } },
        }),
      );
    },
    releaseEvent: async (eventId) => {
      await client.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: { S: `event#${eventId}` } } }));
    },
  };
}
