// PROTOCOL.md §18.7: derived rows are bound to their vault, table and key, and padded like snapshot bodies.
import { beforeAll, describe, expect, it } from 'vitest';
import { derivedKey, localStorageKey, openDerivedRow, padme, ready, sealDerivedRow, sealLocalRow } from '#crypto';
import { codeOf, countingRng, fill } from './support.ts';

beforeAll(async () => {
  await ready();
});

const dsk = fill(0x5d, 32);
const where = { vaultId: fill(0xa1, 16), table: 'catalogue', primaryKey: fill(0x07, 16) };

describe('derived rows', () => {
  it('a derived row opens only under its vault, table and key, and its body is padded', () => {
    const xk = derivedKey(dsk);
    expect(xk).not.toEqual(localStorageKey(dsk));
    const raw = new Uint8Array(1000).map((_, i) => (i * 7919) % 251);
    const row = sealDerivedRow(xk, where, raw, countingRng(1));
    expect(openDerivedRow(xk, where, row)).toEqual(raw);

    expect(codeOf(() => openDerivedRow(xk, { ...where, vaultId: fill(0xa2, 16) }, row))).toBe('decrypt_failed');
    expect(codeOf(() => openDerivedRow(xk, { ...where, table: 'search' }, row))).toBe('decrypt_failed');
    expect(codeOf(() => openDerivedRow(xk, { ...where, primaryKey: fill(0x08, 16) }, row))).toBe('decrypt_failed');
    expect(codeOf(() => openDerivedRow(localStorageKey(dsk), where, row))).toBe('decrypt_failed');
    const flipped = row.slice();
    flipped[40] = (flipped[40] ?? 0) ^ 1;
    expect(codeOf(() => openDerivedRow(xk, where, flipped))).toBe('decrypt_failed');
    // An LSK row is not a derived row, even under the right key.
    expect(codeOf(() => openDerivedRow(xk, where, sealLocalRow(xk, where, raw)))).toBe('unknown_type');

    // Padded: the body is a Padmé length, so two raw sizes close together seal to the same length.
    const incompressible = (n: number) => new Uint8Array(n).map((_, i) => (i * 2654435761) >>> 24);
    const a = sealDerivedRow(xk, where, incompressible(5000), countingRng(2));
    const b = sealDerivedRow(xk, where, incompressible(5010), countingRng(3));
    expect(a.length).toBe(b.length);
    expect(padme(a.length - 42)).toBe(a.length - 42);
  });
});
