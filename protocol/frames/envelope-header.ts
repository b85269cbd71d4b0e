import { parseKeyringWrapHeader, type KeyringWrapHeader } from '#crypto/keyring-wrap';
import { TYPE } from '#crypto/constants';
import { parseEnvelope } from '#crypto/envelope-header';
import { WIRE_LIMITS } from './wire-limits.ts';

/** What the relay reads of an envelope: its clear header (§7.2-7.4). It never verifies or decrypts. */
export type EnvelopeHeader =
  | { type: 'update'; author: number; epoch: number; seq: number; mhead: number }
  | { type: 'snapshot'; author: number; epoch: number; mhead: number; coverage: Map<number, number> }
  | { type: 'deposit'; author: number; epoch: number; mhead: number };

/**
 * The clear header of an envelope through crypto's one strict parser (§7.5 step 1); undefined when it does not
 * parse (the relay answers `bad_envelope`).
 */
export function readEnvelopeHeader(bytes: Uint8Array): EnvelopeHeader | undefined {
  let parsed;
  try {
    parsed = parseEnvelope(bytes);
  } catch {
    return undefined;
  }
  const h = parsed.header;
  if (h.type === TYPE.update) return { type: 'update', author: h.author, epoch: h.epoch, seq: h.seq, mhead: h.mhead };
  if (h.type === TYPE.snapshot) {
    return { type: 'snapshot', author: h.author, epoch: h.epoch, mhead: h.mhead, coverage: new Map(h.coverage) };
  }
  return { type: 'deposit', author: h.author, epoch: h.epoch, mhead: h.mhead };
}

/** The clear header of a keyring wrap (§8.2): the relay files it by recipient and epoch. */
export type WrapHeader = KeyringWrapHeader;

export function readWrapHeader(bytes: Uint8Array): WrapHeader | undefined {
  if (bytes.length > WIRE_LIMITS.entryBytes) return undefined;
  try {
    const { header, length } = parseKeyringWrapHeader(bytes);
    // epk 32, at least one sealed secret (32 + 1 + 16), signature 64.
    return bytes.length - length >= 32 + 49 + 64 ? header : undefined;
  } catch {
    return undefined;
  }
}
