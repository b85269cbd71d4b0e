// Reading envelopes back from IndexedDB (docs/PROTOCOL.md §18.1): every row is untrusted. Each is verified and
// decrypted by crypto's openEnvelope (signature first, §7.5) against the record id of the row, so a row moved to
// another record, flipped or replaced fails and is reported; only what opens is applied.
import { fromHex, openEnvelope, TYPE, type AttributionRow, type EnvelopeContext } from '#crypto';
import type { EnvelopeRow } from './vault-db.ts';

/** One opened envelope: its Yjs payload and the signed header fields compaction needs. */
export interface OpenedRow {
  readonly id: number;
  readonly type: 'update' | 'snapshot';
  readonly author: number;
  /** Update sequence (0 for a snapshot). */
  readonly seq: number;
  /** Snapshot coverage: author -> highest sequence folded in (empty for an update). */
  readonly coverage: ReadonlyMap<number, number>;
  readonly yjs: Uint8Array;
  readonly time: number;
  readonly attribution: readonly AttributionRow[];
  readonly size: number;
}

export type OpenResult = { ok: true; row: OpenedRow } | { ok: false; code: string };

/** Checks the clear columns are sane before the bytes go to the decoder (they are attacker-controlled too). */
function sane(row: EnvelopeRow): boolean {
  return (
    typeof row.id === 'number' &&
    typeof row.recordId === 'string' &&
    /^[0-9a-f]{32}$/.test(row.recordId) &&
    row.bytes instanceof Uint8Array
  );
}

export function openRow(row: EnvelopeRow, context: EnvelopeContext): OpenResult {
  if (!sane(row)) return { ok: false, code: 'bad_row' };
  const opened = openEnvelope(row.bytes, fromHex(row.recordId), context);
  if (!opened.ok) return { ok: false, code: opened.code };
  const id = row.id ?? 0;
  if (opened.type === TYPE.update) {
    return {
      ok: true,
      row: {
        id,
        type: 'update',
        author: opened.header.author,
        seq: opened.header.seq,
        coverage: new Map(),
        yjs: opened.body.yjs,
        time: opened.body.time,
        attribution: [],
        size: row.bytes.length,
      },
    };
  }
  if (opened.header.type === TYPE.snapshot) {
    return {
      ok: true,
      row: {
        id,
        type: 'snapshot',
        author: opened.header.author,
        seq: 0,
        coverage: new Map(opened.header.coverage),
        yjs: opened.body.yjsState,
        time: opened.body.time,
        attribution: opened.body.attribution,
        size: row.bytes.length,
      },
    };
  }
  // Deposits wait for the patient's acceptance (a later issue): never applied as record content here.
  return { ok: false, code: 'unexpected_type' };
}

/**
 * What a record's stored rows amount to: the newest snapshot and the updates it does not cover, in storage
 * order. Opening a record costs exactly these, not its history.
 */
export function liveRows(rows: readonly OpenedRow[]): { snapshot: OpenedRow | undefined; trailing: OpenedRow[] } {
  let snapshot: OpenedRow | undefined;
  for (const row of rows)
    if (row.type === 'snapshot' && (snapshot === undefined || row.id > snapshot.id)) snapshot = row;
  const covered = snapshot?.coverage ?? new Map<number, number>();
  const trailing = rows.filter((row) => row.type === 'update' && row.seq > (covered.get(row.author) ?? 0));
  return { snapshot, trailing };
}
