// Feed notifications (lambda-src/notify/feeds.ts): subjects an on-call human can read, attributes
// a subscription filter can match.
import { describe, expect, it } from 'vitest';
import { makeFeedSet } from '../../lambda-src/feeds/feed-set.js';
import { feedAppliedNotice, feedLabel, feedNeedsShardsNotice, feedRejectedNotice, feedUnchangedNotice } from '../../lambda-src/notify/feeds.js';

const set = makeFeedSet('aws', ['13.32.0.0/15', '2600:9000::/28'], { syncToken: '1720490589', createTime: '2024-07-09T02:03:09Z' });

describe('feed notifications', () => {
  it.each([
    ['aws', ['CLOUDFRONT_ORIGIN_FACING'], 'CloudFront ranges'],
    ['aws', ['CLOUDFRONT', 'CLOUDFRONT_ORIGIN_FACING'], 'CloudFront ranges'],
    ['aws', ['S3', 'EC2'], 'AWS ranges (S3,EC2)'],
    ['cloudflare', [], 'Cloudflare ranges'],
  ] as const)('label of %s %j is %s', (feed, services, label) => {
    expect(feedLabel(feed, services)).toBe(label);
  });

  it('applied: subject with counts and target, attributes for filtering', () => {
    const n = feedAppliedNotice({ set, label: 'CloudFront ranges', targets: ['pl-0abc'], added: 3, removed: 1, details: ['+ 13.32.0.0/15'], reason: 'r' });
    expect(n).toMatchObject({
      subject: 'CloudFront ranges applied: +3 -1 to pl-0abc',
      severity: 'low',
      attributes: { kind: 'feed', action: 'applied', severity: 'low', feed: 'aws', prefix_list_id: 'pl-0abc', feed_hash: set.hash, sync_token: '1720490589' },
    });
    expect(n.message).toContain('syncToken: 1720490589 (created 2024-07-09T02:03:09Z)');
    expect(n.message).toContain('+ 13.32.0.0/15');
  });

  it('rejected: high, names the feed and why', () => {
    const n = feedRejectedNotice({ feed: 'cloudflare', summary: 'shrink 45% > 30%', detail: 'd', reason: 'r' });
    expect(n).toMatchObject({ subject: 'Feed REJECTED: cloudflare shrink 45% > 30%', severity: 'high', attributes: { kind: 'feed', action: 'rejected', severity: 'high', feed: 'cloudflare' } });
    expect(n.attributes).not.toHaveProperty('group_id');
  });

  it('a notice about one group carries group_id', () => {
    const n = feedRejectedNotice({ feed: 'aws', summary: 'bad tag', detail: 'd', target: 'sg-0123456789abcdef0', reason: 'r' });
    expect(n.attributes.group_id).toBe('sg-0123456789abcdef0');
  });

  it('needs-shards and unchanged carry their action', () => {
    expect(feedNeedsShardsNotice({ set, groupIds: ['sg-1'], more: 2, detail: 'd', reason: 'r' })).toMatchObject({
      subject: 'Feed needs 2 more shard groups: aws (sg-1)',
      attributes: { action: 'needs-shards', severity: 'high' },
    });
    expect(feedUnchangedNotice({ set, label: 'CloudFront ranges', reason: 'r' })).toMatchObject({ severity: 'info', attributes: { action: 'unchanged' } });
  });

  it('keeps subjects under 100 plain characters', () => {
    const targets = Array.from({ length: 8 }, (_, i) => `sg-0123456789abcdef${i}`);
    const n = feedAppliedNotice({ set, label: 'Cloudflare ranges', targets, added: 422, removed: 0, details: [], reason: 'r' });
    expect(n.subject.length).toBeLessThan(100);
    expect(n.subject).toMatch(/^Cloudflare ranges applied: \+422 -0 to sg-0123456789abcdef0, .*\.\.\.$/);
    expect(n.subject).toMatch(/^[\x20-\x7e]+$/);
  });
});
