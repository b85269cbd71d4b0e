// The relay's membership checkpoint (sync-server/hub/membership-checkpoint.ts): a state written before the index
// family existed has no `shardPrefix`; read back, it must protect the shards as a fresh state does (§10.6 rule 7).
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, shardId, shardPrefix, toHex } from '#crypto';
import { isIndexFamily, validateEntry } from '#protocol';
import { decodeMembershipState, encodeMembershipState } from '#sync-server/hub/membership-checkpoint';
import { MembershipLogBuilder } from '#tests/helpers/membership-log-builder';

beforeAll(async () => {
  await ready();
});

describe('membership checkpoint', () => {
  it('derives the index id and shard prefix from the vault id, so a checkpoint stored before shards protects them', () => {
    const log = new MembershipLogBuilder('checkpoint').genesis();
    const link = log.createLink(2, log.recordIds(1));
    const shard = shardId(shardPrefix(log.vaultId), 2, 0);
    const stored = JSON.parse(new TextDecoder().decode(encodeMembershipState(log.state))) as {
      state: Record<string, unknown>;
    };
    // As written by the relay before this change: no prefix. A forged index id changes nothing either.
    delete stored.state.shardPrefix;
    stored.state.indexId = '00'.repeat(16);
    const state = decodeMembershipState(new TextEncoder().encode(JSON.stringify(stored)));
    expect(state.shardPrefix).toBe(log.state.shardPrefix);
    expect(state.indexId).toBe(log.state.indexId);
    expect(isIndexFamily(state, toHex(shard))).toBe(true);
    const extend = log.draft(2, { kind: 'scope-extend', index: link, records: [shard] });
    expect(validateEntry(state, extend)).toEqual({ ok: false, code: 'member_bad_target' });
    expect(decodeMembershipState(encodeMembershipState(log.state))).toEqual(log.state);
  });
});
