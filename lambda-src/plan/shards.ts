// Spreading a feed's CIDRs over shard groups when one group's rule quota cannot hold them.
// Deterministic and sticky: a CIDR stays in the group that already holds it while that group has
// room, new CIDRs fill the groups in shard order. From an empty start that is plain fill-in-order;
// afterwards a feed change moves only the CIDRs that changed, instead of shifting every CIDR
// after an insertion into the next group (mass revoke/authorize churn, and brief gaps).
import type { IpFamily } from '../feeds/cidr.js';

export interface ShardSlot {
  groupId: string;
  /** How many more CIDRs of each family this group can take (its quota left, divided by rules per CIDR). */
  capacity: Record<IpFamily, number>;
  /** Canonical CIDRs this group holds managed rules for today. */
  holds: ReadonlySet<string>;
}

export interface ShardAssignment {
  /** Per group (in slot order): the CIDRs it should hold, canonical order preserved. */
  byGroup: Map<string, Record<IpFamily, string[]>>;
  /** CIDRs per family that fit nowhere. */
  unplaced: Record<IpFamily, string[]>;
}

/** Assigns each CIDR (sorted canonical lists) to one slot; slots are given in shard order. */
export function assignShards(cidrs: Record<IpFamily, readonly string[]>, slots: readonly ShardSlot[]): ShardAssignment {
  const byGroup = new Map<string, Record<IpFamily, string[]>>(slots.map((s) => [s.groupId, { ipv4: [], ipv6: [] }]));
  const unplaced: Record<IpFamily, string[]> = { ipv4: [], ipv6: [] };

  for (const family of ['ipv4', 'ipv6'] as const) {
    const room = slots.map((s) => Math.max(0, s.capacity[family]));
    // Which slots hold each CIDR, in slot order: one pass over the holdings instead of a scan of
    // every slot per CIDR (5,000 CIDRs x 100 groups).
    const holders = new Map<string, number[]>();
    slots.forEach((s, k) => {
      for (const cidr of s.holds) {
        const list = holders.get(cidr);
        if (list) list.push(k);
        else holders.set(cidr, [k]);
      }
    });
    const placed = new Map<string, number>();
    // Pass 1: keep CIDRs where they are (the first slot holding one, when several do).
    for (const cidr of cidrs[family]) {
      const i = holders.get(cidr)?.find((k) => room[k]! > 0);
      if (i !== undefined) {
        placed.set(cidr, i);
        room[i]!--;
      }
    }
    // Pass 2: the rest fill the slots in order. Room only shrinks, so the first slot with room
    // never moves back: one cursor instead of a scan per CIDR.
    let next = 0;
    for (const cidr of cidrs[family]) {
      if (placed.has(cidr)) continue;
      while (next < room.length && room[next]! <= 0) next++;
      if (next === room.length) {
        unplaced[family].push(cidr);
        continue;
      }
      placed.set(cidr, next);
      room[next]!--;
    }
    for (const cidr of cidrs[family]) {
      const i = placed.get(cidr);
      if (i !== undefined) byGroup.get(slots[i]!.groupId)![family].push(cidr);
    }
  }
  return { byGroup, unplaced };
}
