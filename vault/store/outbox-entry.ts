// PROTOCOL.md §18.1: an outbox row says what the sync engine will do with an envelope this device wrote. Its
// sealed value is one byte; the values are stored, so they never change.
import type { RowSealer } from './row-sealer.ts';

export const OUTBOX_KIND = {
  /** An update envelope to push. */
  pushUpdate: 1,
  /** A snapshot envelope to put (it replaces the rows it folded). */
  putSnapshot: 2,
} as const;

export type OutboxKind = (typeof OUTBOX_KIND)[keyof typeof OUTBOX_KIND];

/** The outbox row's value for envelope `envelopeId`, sealed under that key (§18.3). */
export function sealOutboxEntry(rows: RowSealer, envelopeId: number, kind: OutboxKind): Uint8Array {
  return rows.seal('outbox', String(envelopeId), Uint8Array.of(kind));
}
