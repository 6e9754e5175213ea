// An in-memory StateStore with the DynamoDB adapter's semantics (conditional writes, ledger locks
// with expiry): the reconciler's unit tests and the CLI's offline explain run on it.
import { type FeedRecord, type GroupRecord, type GroupRef, type LedgerClaim, StateConflictError, type StateStore, groupKey } from './state.js';

interface LedgerItem {
  status: 'in-progress' | 'complete';
  lockUntil: number;
  completedAt?: string;
}

export class MemoryStateStore implements StateStore {
  readonly groups = new Map<string, GroupRecord>();
  readonly feeds = new Map<string, FeedRecord>();
  readonly ledger = new Map<string, LedgerItem>();

  getGroup(ref: GroupRef): Promise<GroupRecord | undefined> {
    return Promise.resolve(structuredClone(this.groups.get(groupKey(ref))));
  }

  listGroups(): Promise<GroupRecord[]> {
    return Promise.resolve([...this.groups.values()].map((g) => structuredClone(g)));
  }

  putGroup(record: GroupRecord, expectedVersion: number | undefined): Promise<void> {
    const key = groupKey(record);
    if (this.groups.get(key)?.version !== expectedVersion) return Promise.reject(new StateConflictError(key));
    this.groups.set(key, structuredClone({ ...record, version: (expectedVersion ?? 0) + 1 }));
    return Promise.resolve();
  }

  deleteGroup(ref: GroupRef): Promise<void> {
    this.groups.delete(groupKey(ref));
    return Promise.resolve();
  }

  getFeed(feed: string): Promise<FeedRecord | undefined> {
    return Promise.resolve(structuredClone(this.feeds.get(feed)));
  }

  putFeed(record: FeedRecord, expectedVersion: number | undefined): Promise<void> {
    if (this.feeds.get(record.feed)?.version !== expectedVersion) return Promise.reject(new StateConflictError(`feed#${record.feed}`));
    this.feeds.set(record.feed, structuredClone({ ...record, version: (expectedVersion ?? 0) + 1 }));
    return Promise.resolve();
  }

  claimEvent(eventId: string, now: Date, lockSeconds: number): Promise<LedgerClaim> {
    const item = this.ledger.get(eventId);
    if (item?.status === 'complete') return Promise.resolve({ status: 'done', completedAt: item.completedAt ?? '' });
    if (item && item.lockUntil > now.getTime()) return Promise.resolve({ status: 'busy' });
    this.ledger.set(eventId, { status: 'in-progress', lockUntil: now.getTime() + lockSeconds * 1000 });
    return Promise.resolve({ status: 'claimed' });
  }

  completeEvent(eventId: string, now: Date): Promise<void> {
    this.ledger.set(eventId, { status: 'complete', lockUntil: 0, completedAt: now.toISOString() });
    return Promise.resolve();
  }

  releaseEvent(eventId: string): Promise<void> {
    this.ledger.delete(eventId);
    return Promise.resolve();
  }
}
