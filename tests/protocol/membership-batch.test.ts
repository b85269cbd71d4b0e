// Issue 12, finding 2: validating a membership append is linear in the state plus the entries, and stays pure.
import { describe, expect, it } from 'vitest';
import { ready } from '#crypto';
import { MembershipBatch, validateEntry, validateLog, type MembershipState } from '#protocol';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';
import { longMembershipLog } from '#tests/helpers/long-membership-log';

await ready();

const summary = (s: MembershipState) => ({
  head: s.head?.seq,
  epoch: s.epoch,
  principals: s.principals.map((p) => `${p.index}:${p.role}:${p.status}`).join(','),
  persons: s.persons.length,
  keys: s.namedKeys.size,
  links: s.linkIds.size,
  epochs: s.epochs.length,
});

describe('membership validation cost (issue 12)', () => {
  it('validates a 10,000-entry log in linear time: the last 2,000 entries cost under twice the first 2,000', () => {
    const log = new MembershipLogBuilder('long-log').genesis();
    const entries = longMembershipLog(log, 10_000, 10_000);
    const at8000 = validateLog(log.state, entries.slice(0, 8000));
    if (!at8000.ok) throw new Error(at8000.code);
    const time = (state: MembershipState, slice: Uint8Array[]): number => {
      const start = performance.now();
      const result = validateLog(state, slice);
      const ms = performance.now() - start;
      expect(result.ok).toBe(true);
      return ms;
    };
    // Warm up once so the first measure is not the JIT's.
    time(log.state, entries.slice(0, 200));
    const first = time(log.state, entries.slice(0, 2000));
    const last = time(at8000.state, entries.slice(8000));
    console.log(`validateLog: first 2,000 entries ${first.toFixed(0)} ms, last 2,000 ${last.toFixed(0)} ms`);
    expect(last).toBeLessThan(first * 2);
  });

  it('never writes the state it started from, and a refused entry leaves the state of the last accepted', () => {
    const log = new MembershipLogBuilder('batch-purity').genesis();
    log.addDevice(2, 0);
    const before = log.state;
    const snapshot = summary(before);
    const entries = longMembershipLog(log, 30, 20);
    const batch = new MembershipBatch(before);
    for (const bytes of entries.slice(0, 25)) expect(batch.add(bytes).ok).toBe(true);
    // An entry out of order is refused and changes nothing.
    expect(batch.add(entries[28] ?? new Uint8Array())).toEqual({ ok: false, code: 'member_broken_chain' });
    const after = batch.finish();
    expect(summary(before)).toEqual(snapshot);
    // The same as validating entry by entry.
    let folded = before;
    for (const bytes of entries.slice(0, 25)) {
      const step = validateEntry(folded, bytes);
      if (!step.ok) throw new Error(step.code);
      folded = step.state;
    }
    expect(summary(after)).toEqual(summary(folded));
    expect(summary(before)).toEqual(snapshot);
    expect(() => batch.add(entries[25] ?? new Uint8Array())).toThrow(/after finish/);
  });
});
