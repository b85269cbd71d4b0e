// docs/PROTOCOL.md §18.7: derived rows (the catalogue and the search index) are sealed under XK, bound to their
// vault, table and primary key (UTF-8). A row that fails to open or decode is reported as tampered and rebuilt.
import { isCryptoError, openDerivedRow, sealDerivedRow, utf8 } from '#crypto';
import { VaultError } from '../records/vault-error.ts';

export type DerivedTable = 'catalogue' | 'search';

export interface DerivedSealer {
  seal(table: DerivedTable, key: string, raw: Uint8Array): Uint8Array;
  /** The raw value; throws VaultError `tampered_row` when the row fails to open. */
  open(table: DerivedTable, key: string, row: Uint8Array): Uint8Array;
}

export function createDerivedSealer(xk: Uint8Array, vaultId: Uint8Array): DerivedSealer {
  const where = (table: DerivedTable, key: string) => ({ vaultId, table, primaryKey: utf8(key, 256) });
  return {
    seal: (table, key, raw) => sealDerivedRow(xk, where(table, key), raw),
    open(table, key, row) {
      try {
        if (!(row instanceof Uint8Array)) throw new TypeError('not bytes');
        return openDerivedRow(xk, where(table, key), row);
      } catch (cause) {
        if (cause instanceof TypeError || isCryptoError(cause)) {
          throw new VaultError('tampered_row', `row ${key} of ${table} failed to open`, { cause });
        }
        throw cause;
      }
    },
  };
}
