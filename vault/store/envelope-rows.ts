// The queries the record store runs on the `envelopes` table (PROTOCOL.md §18.1), in one place: the loader,
// tab catch-up, compaction and purge share them, and an index split into shards reads its shards the same way.
import { VaultError } from '../records/vault-error.ts';
import type { EnvelopeRow, VaultDb } from './vault-db.ts';

/** Every row of one record, oldest first (the `[recordId+id]` index). */
export function rowsOfRecord(db: VaultDb, hex: string): Promise<EnvelopeRow[]> {
  return db.envelopes.where('[recordId+id]').between([hex, 0], [hex, Infinity]).toArray();
}

/** Every row of every index shard (ids `P ‖ …`, §7.1), grouped by shard, each group oldest first: one range. */
export async function rowsOfShards(db: VaultDb, prefixHex: string): Promise<Map<string, EnvelopeRow[]>> {
  const rows = await db.envelopes
    .where('[recordId+id]')
    .between([prefixHex + '0'.repeat(12), 0], [prefixHex + 'f'.repeat(12), Infinity], true, true)
    .toArray();
  return groupByRecord(rows);
}

/** Every row of several records, grouped by record, each group oldest first. */
export async function rowsOfRecords(db: VaultDb, ids: readonly string[]): Promise<Map<string, EnvelopeRow[]>> {
  const byRecord = groupByRecord(await db.envelopes.where('recordId').anyOf(ids).toArray());
  for (const list of byRecord.values()) list.sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
  return byRecord;
}

/** Rows committed after envelope id `cursor` (by any tab), in commit order. */
export function rowsAfter(db: VaultDb, cursor: number): Promise<EnvelopeRow[]> {
  return db.envelopes.where('id').above(cursor).toArray();
}

/** The highest envelope id stored, 0 when there is none. */
export async function lastEnvelopeId(db: VaultDb): Promise<number> {
  return (await db.envelopes.orderBy(':id').last())?.id ?? 0;
}

/** Adds a row and returns its id. */
export async function addEnvelope(db: VaultDb, row: EnvelopeRow): Promise<number> {
  const id = await db.envelopes.add(row);
  // Only a broken IndexedDB gives an auto-increment key that is not a number.
  if (typeof id !== 'number') throw new VaultError('storage_failed', 'IndexedDB gave no envelope id');
  return id;
}

export function groupByRecord(rows: readonly EnvelopeRow[]): Map<string, EnvelopeRow[]> {
  const byRecord = new Map<string, EnvelopeRow[]>();
  for (const row of rows) {
    const list = byRecord.get(row.recordId);
    if (list === undefined) byRecord.set(row.recordId, [row]);
    else list.push(row);
  }
  return byRecord;
}
