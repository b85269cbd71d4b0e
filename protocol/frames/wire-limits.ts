/** Sizes and caps the frame decoders enforce (PROTOCOL.md §12.3, §22.6). */
export const WIRE_LIMITS = {
  /** An envelope (update, snapshot, deposit) is at most 512 KiB. */
  envelopeBytes: 512 * 1024,
  /** A snapshot envelope (SNAPSHOT_PUT, VAULT_CREATE's index, and in RECORDS) is at most 4 MiB. */
  snapshotEnvelopeBytes: 4 * 1024 * 1024,
  /** A blob chunk in one BLOB_CHUNK frame. */
  blobChunkBytes: 512 * 1024,
  /** A presence ciphertext. */
  presenceBytes: 4 * 1024,
  /** A membership entry, a wrap or a keybox. */
  entryBytes: 64 * 1024,
  /** Items in one list field (envelopes in a PUSH, entries in an append, records in a scope). */
  listItems: 10_000,
} as const;
