// assignShards with its holder index and fill cursor must assign exactly as the plain algorithm it
// replaced (a scan of every slot for every CIDR), on random feeds, holdings and capacities.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IpFamily } from '../../lambda-src/feeds/cidr.js';
import { type ShardAssignment, type ShardSlot, assignShards } from '../../lambda-src/plan/shards.js';

/** The previous implementation, kept as the reference. */
function assignShardsByScan(cidrs: Record<IpFamily, readonly string[]>, slots: readonly ShardSlot[]): ShardAssignment {
  const byGroup = new Map<string, Record<IpFamily, string[]>>(slots.map((s) => [s.groupId, { ipv4: [], ipv6: [] }]));
  const unplaced: Record<IpFamily, string[]> = { ipv4: [], ipv6: [] };
  for (const family of ['ipv4', 'ipv6'] as const) {
    const room = slots.map((s) => Math.max(0, s.capacity[family]));
    const placed = new Map<string, number>();
    for (const cidr of cidrs[family]) {
      const i = slots.findIndex((s, k) => s.holds.has(cidr) && room[k]! > 0);
      if (i >= 0) {
        placed.set(cidr, i);
        room[i]!--;
      }
    }
    for (const cidr of cidrs[family]) {
      if (placed.has(cidr)) continue;
      const i = room.findIndex((r) => r > 0);
      if (i < 0) {
        unplaced[family].push(cidr);
        continue;
      }
      placed.set(cidr, i);
      room[i]!--;
    }
    for (const cidr of cidrs[family]) {
      const i = placed.get(cidr);
      if (i !== undefined) byGroup.get(slots[i]!.groupId)![family].push(cidr);
    }
  }
  return { byGroup, unplaced };
}

// Small universes, so slots often hold CIDRs of the feed (and of each other) and fill up.
const v4 = fc.integer({ min: 0, max: 40 }).map((n) => `10.0.${n}.0/24`);
const v6 = fc.integer({ min: 0, max: 20 }).map((n) => `2001:db8:${n.toString(16)}::/48`);
const sortedUnique = (arb: fc.Arbitrary<string>) => fc.uniqueArray(arb, { maxLength: 30 }).map((a) => a.sort());
const slot = (k: number) =>
  fc.record({
    ipv4: fc.integer({ min: -2, max: 12 }),
    ipv6: fc.integer({ min: -2, max: 8 }),
    holds: fc.uniqueArray(fc.oneof(v4, v6), { maxLength: 15 }),
  }).map((s): ShardSlot => ({ groupId: `sg-${k}`, capacity: { ipv4: s.ipv4, ipv6: s.ipv6 }, holds: new Set(s.holds) }));
const slots = fc.integer({ min: 0, max: 8 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, k) => slot(k))));

describe('assignShards', () => {
  it('assigns exactly as the slot-scan algorithm on random inputs', () => {
    fc.assert(
      fc.property(sortedUnique(v4), sortedUnique(v6), slots, (ipv4, ipv6, s) => {
        expect(assignShards({ ipv4, ipv6 }, s)).toEqual(assignShardsByScan({ ipv4, ipv6 }, s));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a CIDR in the first slot holding it that has room, and fills the rest in slot order', () => {
    const s: ShardSlot[] = [
      { groupId: 'sg-a', capacity: { ipv4: 1, ipv6: 0 }, holds: new Set(['10.0.2.0/24']) },
      { groupId: 'sg-b', capacity: { ipv4: 2, ipv6: 0 }, holds: new Set(['10.0.2.0/24', '10.0.3.0/24']) },
    ];
    const got = assignShards({ ipv4: ['10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24', '10.0.4.0/24'], ipv6: [] }, s);
    expect(got.byGroup.get('sg-a')!.ipv4).toEqual(['10.0.2.0/24']);
    expect(got.byGroup.get('sg-b')!.ipv4).toEqual(['10.0.1.0/24', '10.0.3.0/24']);
    expect(got.unplaced.ipv4).toEqual(['10.0.4.0/24']);
  });
});
