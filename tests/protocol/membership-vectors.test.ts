// Holds tests/fixtures/vectors/membership-log.json to the code: recomputed from its seed byte for byte, then
// replayed from the file alone as a second implementation would, invalid variants included.
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, ready } from '#crypto';
import { initialState, MEMBERSHIP_ERROR_CODES, validateEntry, type MembershipState } from '#protocol/membership/index';
import { buildMembershipVectors, stateJson, VECTOR_FILE } from './membership-vectors.ts';

interface Vectors {
  vault_id: string;
  relay_sig_pk: string;
  entries: { name: string; bytes: string; hash: string; state: unknown }[];
  invalid: { description: string; after: number; vault_id_override?: string; bytes: string; code: string }[];
}

beforeAll(async () => {
  await ready();
});

const vectors = JSON.parse(fs.readFileSync(VECTOR_FILE, 'utf8')) as Vectors;

describe('membership vectors', () => {
  it('membership-log.json is what its generator computes from the seed', () => {
    expect(JSON.parse(JSON.stringify(buildMembershipVectors()))).toEqual(vectors);
  });

  it('replays the vector log from the file to the recorded heads and states', () => {
    let state = initialState({ vaultId: fromHex(vectors.vault_id), pinnedRelayPk: fromHex(vectors.relay_sig_pk) });
    expect(vectors.entries.map((e) => e.name)).toEqual([
      'genesis',
      'device-add',
      'assistant-add',
      'link-create',
      'link-claim',
      'scope-extend',
      'revoke',
      'close',
      'reopen',
    ]);
    for (const entry of vectors.entries) {
      const result = validateEntry(state, fromHex(entry.bytes));
      if (!result.ok) throw new Error(`${entry.name}: ${result.code}`);
      state = result.state;
      expect(stateJson(state), entry.name).toEqual(entry.state);
      expect(state.head?.seq).toBe(vectors.entries.indexOf(entry));
    }
    // The sizes PROTOCOL.md §10.3 states: genesis with a 28-byte origin 381 bytes, a device-add 175.
    expect(fromHex(vectors.entries[0]?.bytes ?? '').length).toBe(381);
    expect(fromHex(vectors.entries[1]?.bytes ?? '').length).toBe(175);
  });

  it('refuses every invalid variant with its code, one per validator code', () => {
    const states: MembershipState[] = [];
    let state = initialState({ vaultId: fromHex(vectors.vault_id), pinnedRelayPk: fromHex(vectors.relay_sig_pk) });
    states.push(state);
    for (const entry of vectors.entries) {
      const result = validateEntry(state, fromHex(entry.bytes));
      if (!result.ok) throw new Error(result.code);
      state = result.state;
      states.push(state);
    }
    for (const v of vectors.invalid) {
      const base =
        v.vault_id_override === undefined
          ? states[v.after]
          : initialState({ vaultId: fromHex(v.vault_id_override), pinnedRelayPk: fromHex(vectors.relay_sig_pk) });
      if (base === undefined) throw new Error(`no state after ${v.after}`);
      expect(validateEntry(base, fromHex(v.bytes)), v.description).toEqual({ ok: false, code: v.code });
    }
    const validatorCodes = MEMBERSHIP_ERROR_CODES.filter((c) => c !== 'missing_wraps');
    expect(vectors.invalid.map((v) => v.code).sort()).toEqual([...validatorCodes].sort());
  });
});
