// PROTOCOL.md §7.5, §22.6: updates and deposits are at most 512 KiB, snapshots at most 4 MiB (a large vault's
// index snapshot is ~700 KiB). Random bytes stand in for Yjs state: they do not deflate, so the sizes are real.
import { beforeAll, describe, expect, it } from 'vitest';
import { openEnvelope, ready, recordKey, sealSnapshot, sealUpdate, sodium } from '#crypto';
import { codeOf, envelopeContext, world, type World } from './support.ts';

beforeAll(async () => {
  await ready();
});

const noise = (n: number): Uint8Array => sodium().randombytes_buf_deterministic(n, new Uint8Array(32).fill(7));

let w: World;
beforeAll(() => {
  w = world();
});

describe('envelope size limits', () => {
  const keys = () => ({
    vaultId: w.vaultId,
    recordId: w.recordId,
    key: recordKey(w.secrets[0] ?? new Uint8Array(32), w.vaultId, w.recordId, 0, w.recordRoot),
    authorSk: w.a.sigSk,
    headHash: w.heads[1] ?? new Uint8Array(32),
  });

  it('seals and opens a 1 MiB snapshot (over the update limit)', () => {
    const state = noise(1024 * 1024);
    const s = sealSnapshot(
      { author: 2, epoch: 0, mhead: 1, coverage: [[2, 1]] },
      { yjsState: state, time: 1, attribution: [] },
      keys(),
    );
    expect(s.length).toBeGreaterThan(1024 * 1024);
    const opened = openEnvelope(s, w.recordId, envelopeContext(w));
    expect(opened.ok && opened.type === 2 && opened.body.yjsState.length).toBe(state.length);
  });

  it('refuses an update over 512 KiB and a snapshot over 4 MiB', () => {
    expect(
      codeOf(() => sealUpdate({ author: 2, epoch: 0, seq: 1, mhead: 1 }, { time: 1, yjs: noise(600 * 1024) }, keys())),
    ).toBe('too_large');
    const huge = new Uint8Array(4 * 1024 * 1024 + 1);
    huge[0] = 0x01;
    huge[1] = 0x02;
    expect(openEnvelope(huge, w.recordId, envelopeContext(w))).toEqual({ ok: false, code: 'too_large' });
    const bigUpdate = new Uint8Array(512 * 1024 + 1);
    bigUpdate[0] = 0x01;
    bigUpdate[1] = 0x01;
    expect(openEnvelope(bigUpdate, w.recordId, envelopeContext(w))).toEqual({ ok: false, code: 'too_large' });
  });
});
