// What the harness page takes from the code under test (one place, so the bundle's imports are obvious).
export { CATEGORIES, createVaultAccess, type Vault } from '#vault';
export { KDF_FLOOR as KDF_FLOOR_FOR_TESTS } from '#crypto';
