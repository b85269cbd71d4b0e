// PROTOCOL.md §14.1, §4.3 and THREAT_MODEL.md §9: a link secret survives its text form, every changed character
// is caught before any request, the five derived values come from five distinct contexts, and the passcode
// verifier cannot be recomputed from anything the relay holds.
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE32_ALPHABET, decodeBase32, encodeBase32 } from '#crypto/base32';
import { isCryptoError } from '#crypto/crypto-error';
import {
  createLinkSecret,
  deriveLinkId,
  deriveLinkKeys,
  encodeLinkFragment,
  formatLinkCode,
  LINK_TEXT_CHARS,
  linkUrl,
  parseLink,
  passcodeVerifier,
  wipeLinkKeys,
} from '#crypto/link-secret';
import { ready, sodium } from '#crypto/sodium';
import { LONG, seededBytes, testSeed } from './stream-support.ts';

beforeAll(async () => {
  await ready();
});

const SECRET = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);

function codeOf(f: () => unknown): string {
  try {
    f();
    return 'accepted';
  } catch (error) {
    if (!isCryptoError(error)) throw error;
    return error.code;
  }
}

describe('link secrets', () => {
  it('round-trips through the URL, the fragment and the typed code', () => {
    for (let n = 0; n < 200; n++) {
      const secret = n === 0 ? SECRET : createLinkSecret();
      const fragment = encodeLinkFragment(secret);
      expect(fragment).toMatch(/^c1[0-9A-HJKMNP-TV-Z]{58}$/);
      expect(fragment.length - 2).toBe(LINK_TEXT_CHARS);
      expect(parseLink(linkUrl('https://relay.example', secret))).toEqual(secret);
      expect(parseLink(`#${fragment}`)).toEqual(secret);
      // Typed back by a person: lower case, groups of five, O for 0 and l for 1.
      const typed = formatLinkCode(secret).toLowerCase().replace(/0/g, 'O').replace(/1/g, 'l');
      expect(typed.split(' ')).toHaveLength(12);
      expect(parseLink(typed)).toEqual(secret);
    }
  });

  it('catches every single-character change with the checksum', () => {
    const seed = testSeed('link corruption');
    const secrets = [SECRET, ...Array.from({ length: LONG ? 200 : 5 }, (_, i) => seededBytes(32, seed + i))];
    const counts: Record<string, number> = {};
    for (const secret of secrets) {
      const fragment = encodeLinkFragment(secret);
      expect(parseLink(fragment)).toEqual(secret); // the control
      for (let position = 0; position < fragment.length; position++) {
        for (const replacement of BASE32_ALPHABET + 'c') {
          const original = fragment[position] ?? '';
          if (replacement.toUpperCase() === original.toUpperCase()) continue;
          const changed = fragment.slice(0, position) + replacement + fragment.slice(position + 1);
          const code = codeOf(() => parseLink(changed));
          counts[code] = (counts[code] ?? 0) + 1;
          if (code !== 'link_checksum' && code !== 'link_format') {
            expect.fail(`position ${position} -> ${replacement} gave ${code}`);
          }
        }
      }
    }
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`single-character changes over ${secrets.length} links: ${total} cases, ${JSON.stringify(counts)}`);
    expect(counts.accepted).toBeUndefined();
  });

  it('catches a seeded sample of multi-character changes, deletions and insertions', () => {
    const seed = testSeed('link multi-corruption');
    const random = seededBytes((LONG ? 100_000 : 10_000) * 4, seed);
    const fragment = encodeLinkFragment(SECRET);
    const counts: Record<string, number> = {};
    for (let n = 0; n < random.length / 4; n++) {
      const r = new DataView(random.buffer, random.byteOffset + n * 4, 4).getUint32(0);
      const position = 2 + (r % 58);
      const symbol = BASE32_ALPHABET.charAt((r >>> 8) % 32);
      const other = 2 + ((r >>> 13) % 58);
      const otherSymbol = BASE32_ALPHABET.charAt((r >>> 19) % 32);
      let changed: string;
      switch ((r >>> 27) % 4) {
        case 0:
          changed = fragment.slice(0, position) + fragment.slice(position + 1);
          break;
        case 1:
          changed = fragment.slice(0, position) + symbol + fragment.slice(position);
          break;
        case 2: {
          // Two letters swapped, as a typist does.
          const chars = fragment.split('');
          const a = chars[position] ?? '';
          chars[position] = chars[other] ?? '';
          chars[other] = a;
          changed = chars.join('');
          break;
        }
        default: {
          const chars = fragment.split('');
          chars[position] = symbol;
          chars[other] = otherSymbol;
          changed = chars.join('');
        }
      }
      if (changed === fragment) continue;
      const code = codeOf(() => parseLink(changed));
      counts[code] = (counts[code] ?? 0) + 1;
    }
    console.log(`multi-character changes (seed ${seed}): ${JSON.stringify(counts)}`);
    expect(counts.accepted).toBeUndefined();
  });

  it('refuses malformed links as link_format', () => {
    const fragment = encodeLinkFragment(SECRET);
    for (const bad of [
      '',
      'c1',
      'c2' + fragment.slice(2),
      fragment.slice(0, -1),
      fragment + '0',
      fragment.replace(/.$/, 'U'),
    ]) {
      expect(codeOf(() => parseLink(bad))).toBe('link_format');
    }
    // The last character carries 3 data bits and 2 pad bits: setting a pad bit is a format error, not a
    // checksum miss, so two texts can never name one secret.
    const last = fragment.charAt(fragment.length - 1);
    const value = BASE32_ALPHABET.indexOf(last);
    expect(codeOf(() => parseLink(fragment.slice(0, -1) + BASE32_ALPHABET.charAt(value | 1)))).toMatch(
      value & 1 ? 'accepted' : 'link_format',
    );
  });

  it('derives id, link key, verifier key, auth key and MAC key with distinct contexts', () => {
    const s = sodium();
    const keys = deriveLinkKeys(SECRET);
    const subkey = (ctx: string) => s.crypto_kdf_derive_from_key(32, 1, ctx, SECRET);
    expect(keys.linkId).toEqual(subkey('CNlnkid_').slice(0, 16));
    expect(deriveLinkId(SECRET)).toEqual(keys.linkId);
    const box = s.crypto_kx_seed_keypair(subkey('CNlnkkey'));
    expect(keys.boxPublicKey).toEqual(box.publicKey);
    expect(keys.boxSecretKey).toEqual(box.privateKey);
    expect(keys.passcodeVerifierKey).toEqual(subkey('CNlnkpcv'));
    const auth = s.crypto_sign_seed_keypair(subkey('CNlnkaut'));
    expect(keys.authPublicKey).toEqual(auth.publicKey);
    expect(keys.authSecretKey).toEqual(auth.privateKey);
    expect(keys.macKey).toEqual(subkey('CNlnkmac'));
    // Five different contexts, five unrelated values; none is the secret or a prefix of another.
    const seeds = ['CNlnkid_', 'CNlnkkey', 'CNlnkpcv', 'CNlnkaut', 'CNlnkmac'].map((c) => s.to_hex(subkey(c)));
    expect(new Set([...seeds, s.to_hex(SECRET)]).size).toBe(6);
    for (const a of seeds) for (const b of seeds) if (a !== b) expect(a.slice(0, 32)).not.toBe(b.slice(0, 32));
    // Subkey id 1 under one context differs from id 2: the id is not what separates the keys.
    expect(s.crypto_kdf_derive_from_key(32, 2, 'CNlnkid_', SECRET)).not.toEqual(subkey('CNlnkid_'));
    wipeLinkKeys(keys);
    for (const secret of [keys.boxSecretKey, keys.passcodeVerifierKey, keys.authSecretKey, keys.macKey]) {
      expect(secret.every((b) => b === 0)).toBe(true);
    }
  });

  it('the passcode verifier needs the link secret', () => {
    const s = sodium();
    const keys = deriveLinkKeys(SECRET);
    const v = passcodeVerifier(keys, '4711');
    expect(v).toHaveLength(32);
    expect(passcodeVerifier(keys, '4711')).toEqual(v);
    expect(passcodeVerifier(keys, '4712')).not.toEqual(v);
    // NFC: a composed and a decomposed é are one passcode.
    expect(passcodeVerifier(keys, 'caf\u00e9')).toEqual(passcodeVerifier(keys, 'cafe\u0301'));
    expect(codeOf(() => passcodeVerifier(keys, '471'))).toBe('bad_argument');
    expect(codeOf(() => passcodeVerifier(keys, 'x'.repeat(65)))).toBe('bad_argument');
    // What the relay holds: link id, link box pk, link auth pk, V. Keyed with any of them (or their hash) and
    // with the genuine passcode, the MAC never reproduces V; only PVK, derived from L, does.
    const relayKnows = [
      s.crypto_generichash(32, keys.linkId, null),
      keys.boxPublicKey,
      keys.authPublicKey,
      s.crypto_kdf_derive_from_key(32, 1, 'CNlnkpcv', s.crypto_generichash(32, keys.linkId, null)),
    ];
    for (const guessKey of relayKnows) {
      expect(passcodeVerifier({ linkId: keys.linkId, passcodeVerifierKey: guessKey }, '4711')).not.toEqual(v);
    }
    // Another link with the same passcode gets an unrelated verifier.
    expect(passcodeVerifier(deriveLinkKeys(seededBytes(32, 1)), '4711')).not.toEqual(v);
  });
});

describe('Crockford base32', () => {
  it('round-trips every length up to 40 bytes and refuses non-canonical text', () => {
    for (let length = 0; length <= 40; length++) {
      const bytes = seededBytes(length, length);
      const text = encodeBase32(bytes);
      expect(decodeBase32(text)).toEqual(bytes);
      expect(decodeBase32(text.toLowerCase(), length)).toEqual(bytes);
    }
    expect(codeOf(() => decodeBase32('0'))).toBe('bad_encoding');
    expect(codeOf(() => decodeBase32('01U'))).toBe('bad_encoding');
    expect(codeOf(() => decodeBase32('0000', 3))).toBe('bad_encoding');
    expect(codeOf(() => decodeBase32('01'))).toBe('bad_encoding'); // pad bits set
    expect(decodeBase32('0O-oI iL1 l', 5)).toEqual(decodeBase32('00011111', 5));
  });
});
