import { beforeAll, describe, expect, it } from 'vitest';
import {
  encodeSnapshotBody,
  LOCAL_ROW_OVERHEAD,
  ready,
  recordKey,
  sealDeposit,
  sealLocalRow,
  sealSnapshot,
  sealUpdate,
} from '#crypto';
import { countingRng, fill, world } from './support.ts';
import { depositKeyFor, keyboxFor, keyringFor, provisionFor } from './seal-support.ts';
import { floorKeystore } from './keystore-support.ts';

beforeAll(async () => {
  await ready();
});

describe('byte budget (PROTOCOL.md §19)', () => {
  it('prints envelope sizes within the PROTOCOL.md budget', () => {
    const w = world();
    const key = recordKey(fill(0x11), w.vaultId, w.recordId, 0, w.recordRoot);
    const keys = {
      vaultId: w.vaultId,
      recordId: w.recordId,
      key,
      authorSk: w.a.sigSk,
      headHash: w.heads[1] ?? fill(0),
      rng: countingRng(),
    };
    const yjs36 = fill(7, 36);
    const content = { yjsState: fill(0, 0), time: 1773302400, attribution: [] };
    const rows: { object: string; bytes: number; budget: string; ok: boolean }[] = [];
    const add = (object: string, bytes: number, lo: number, hi = lo) =>
      rows.push({ object, bytes, budget: lo === hi ? `${lo}` : `${lo}-${hi}`, ok: bytes >= lo && bytes <= hi });
    const u = sealUpdate({ author: 2, epoch: 0, seq: 7, mhead: 1 }, { time: 1773302400, yjs: yjs36 }, keys);
    add('update, 36-byte Yjs edit (§20)', u.length, 152);
    add('update fixed overhead (1-byte seq, mhead)', u.length - 36 - 6, 110, 112);
    const u2 = sealUpdate({ author: 2, epoch: 0, seq: 300, mhead: 200 }, { time: 1773302400, yjs: yjs36 }, keys);
    add('update fixed overhead (2-byte seq, mhead)', u2.length - 36 - 6, 110, 112);
    const s = sealSnapshot({ author: 2, epoch: 0, mhead: 1, coverage: [[2, 7]] }, content, keys);
    // The SnapshotBody (framing, stored bytes, padding) is the variable part of §19.1.
    const body = encodeSnapshotBody(content).length;
    add('snapshot fixed overhead (one author)', s.length - body, 111, 115);
    const d = sealDeposit({ author: 5, epoch: 0, mhead: 1 }, content, keys);
    add('deposit envelope fixed overhead', d.length - body, 109, 110);
    add('deposit key 0x04', depositKeyFor(w).length, 149);
    add('keyring wrap 0x08 at epoch 1 (151 + 32)', keyringFor(w).length, 183);
    const kb = keyboxFor(w);
    // One record: 16 + 2 + 3 (date) + 9 (title) + 6 + 5 + 1 + 33 = 75; patient name 13; one author 33; counts 2.
    add('keybox 0x09 fixed overhead', kb.length - (13 + 8 + 1 + 32 + 2 + 33 + 75), 151, 152);
    const p = provisionFor(w);
    add('provision 0x0A fixed overhead', p.length - (16 + 29 + 32 + 32 + 1 + 32 + 1 + 1), 82);
    const { bytes: ks } = floorKeystore(w);
    const bodyLength = 1 + 32 + 32 + 29 + 32 + 32 + 1 + 32 + 1 + 32 + 1 + 32;
    add('keystore 0x30 fixed overhead', ks.length - bodyLength, 267);
    add(
      'LSK row 0x31 overhead',
      sealLocalRow(fill(9), { vaultId: w.vaultId, table: 'meta', primaryKey: fill(1, 4) }, fill(0, 10)).length - 10,
      LOCAL_ROW_OVERHEAD,
    );
    console.table(rows);
    expect(rows.filter((r) => !r.ok)).toEqual([]);
  });
});
