// docs/PROTOCOL.md §18.3: local-only state is stored as LSK rows bound to their table and primary key, so a row
// copied under another key or into another table fails to open (reported as tampered, never applied).
import { isCryptoError, openLocalRow, sealLocalRow, utf8 } from '#crypto';
import { VaultError } from '../records/vault-error.ts';

export interface RowSealer {
  seal(table: string, key: string, value: Uint8Array): Uint8Array;
  /** Throws VaultError `tampered_row` when the row fails to open. */
  open(table: string, key: string, row: Uint8Array): Uint8Array;
}

export function createRowSealer(lsk: Uint8Array, vaultId: Uint8Array): RowSealer {
  const where = (table: string, key: string) => ({ vaultId, table, primaryKey: utf8(key, 256) });
  return {
    seal: (table, key, value) => sealLocalRow(lsk, where(table, key), value),
    open(table, key, row) {
      try {
        if (!(row instanceof Uint8Array)) throw new TypeError('not bytes');
        return openLocalRow(lsk, where(table, key), row);
      } catch (cause) {
        if (cause instanceof TypeError || isCryptoError(cause)) {
          throw new VaultError('tampered_row', `row ${key} of ${table} failed to open`, { cause });
        }
        throw cause;
      }
    },
  };
}

/** Small JSON values (settings) inside LSK rows: parsed by the caller against a schema. */
export const jsonBytes = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
export function parseJsonBytes(bytes: Uint8Array): unknown {
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
}
