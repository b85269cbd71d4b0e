// Issue 7 "Must show", injected faults: each fault of RelayFaults switched on must make the very check the real
// tests use fail, and the same check must pass with the fault off. A suite that cannot see these faults proves
// nothing about them.
import { describe, expect, it } from 'vitest';
import {
  checkAckAfterCommit,
  checkBroadcastRechecksRights,
  checkFanOutRechecksRights,
  checkNoSequenceGap,
} from './relay-checks.ts';

describe('injected faults are caught (issue 7)', () => {
  it('catches an ack sent before commit', async () => {
    const off = await checkAckAfterCommit({});
    const on = await checkAckAfterCommit({ ackBeforeCommit: true });
    console.log(`ackBeforeCommit off: ${off.detail}\nackBeforeCommit on: ${on.detail}`);
    expect(off.ok, off.detail).toBe(true);
    expect(on.ok, on.detail).toBe(false);
  });

  it('catches a skipped membership check on broadcast', async () => {
    const off = await checkBroadcastRechecksRights({});
    const on = await checkBroadcastRechecksRights({ skipBroadcastCheck: true });
    console.log(`skipBroadcastCheck off: ${off.detail}\nskipBroadcastCheck on: ${on.detail}`);
    expect(off.ok, off.detail).toBe(true);
    expect(on.ok, on.detail).toBe(false);
    // The re-check in fanOut alone (the removal's own close out of the picture).
    const unitOff = await checkFanOutRechecksRights(false);
    const unitOn = await checkFanOutRechecksRights(true);
    console.log(`fanOut re-check on: ${unitOff.detail}\nfanOut re-check skipped: ${unitOn.detail}`);
    expect(unitOff.ok, unitOff.detail).toBe(true);
    expect(unitOn.ok, unitOn.detail).toBe(false);
  });

  it('catches an accepted sequence gap', async () => {
    const off = await checkNoSequenceGap({});
    const on = await checkNoSequenceGap({ acceptSequenceGap: true });
    console.log(`acceptSequenceGap off: ${off.detail}\nacceptSequenceGap on: ${on.detail}`);
    expect(off.ok, off.detail).toBe(true);
    expect(on.ok, on.detail).toBe(false);
  });
});
