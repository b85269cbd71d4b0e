/**
 * Carnet's cryptographic core: pure functions over libsodium (no IO, no DOM), as docs/PROTOCOL.md specifies.
 * Filled by the crypto issue; it imports nothing else of ours.
 */
export {};
