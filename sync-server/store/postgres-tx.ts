import type pg from 'pg';
import type { EnvelopeRow } from './relay-store.ts';
import { KIND_NAME } from './sqlite-schema.ts';

/** The PostgreSQL store's plumbing: one transaction per write, and conversions between rows and values. */

export type Client = pg.PoolClient;
/** bigint columns arrive as strings (pg's default, so no precision is lost silently); checked here. */
export type Int = string;

export interface EnvelopeDbRow {
  rv: Int;
  record_id: Buffer;
  kind: 1 | 2 | 3;
  author: Int;
  seq: Int;
  bytes: Buffer | null;
}

export function int(value: Int | number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error('integer column out of the safe range');
  return n;
}

export const b = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export const toRow = (r: EnvelopeDbRow): EnvelopeRow => ({
  rv: int(r.rv),
  recordId: new Uint8Array(r.record_id),
  kind: KIND_NAME[r.kind],
  author: int(r.author),
  seq: int(r.seq),
  bytes: new Uint8Array(r.bytes ?? new Uint8Array(0)),
});

/** Thrown inside a transaction to roll it back and still answer a value (a refused append is not an error). */
export class Refusal extends Error {
  constructor(readonly value: boolean) {
    super('refused');
  }
}

/**
 * Runs `body` as one transaction on one pooled client: BEGIN, body, COMMIT, then `afterCommit(what)`; ROLLBACK
 * on any error. A Refusal rolls back too but answers its value, as the method's normal "no".
 */
export function transactor(pool: pg.Pool, probe: { afterCommit?: (what: string) => void }) {
  return async function tx<T>(what: string | undefined, body: (c: Client) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      let result: T;
      try {
        result = await body(client);
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        await client.query('ROLLBACK');
        if (what !== undefined) probe.afterCommit?.(what);
        return error.value as T;
      }
      await client.query('COMMIT');
      if (what !== undefined) probe.afterCommit?.(what);
      return result;
    } catch (error) {
      // A client whose ROLLBACK fails is in an unknown state: release(error) destroys it instead of reusing it.
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error('rollback failed');
      });
      throw error;
    } finally {
      client.release(broken);
    }
  };
}
