// Fixed inputs for the attachment and link vectors, and the link values computed straight from the PROTOCOL.md
// text with raw libsodium and BigInt base32 (not through crypto/link-secret.ts), so the vectors check the
// implementation against an independent reading of the spec.
import { sodium } from '#crypto/sodium';

export function attachmentVectorInputs() {
  return {
    key: Uint8Array.from({ length: 32 }, (_, i) => 0x40 + i),
    otherKey: Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i),
    vaultId: new Uint8Array(16).fill(0xa0),
    recordId: new Uint8Array(16).fill(0xb0),
    fileId: new Uint8Array(16).fill(0xc0),
    otherFileId: new Uint8Array(16).fill(0xc1),
    size: 150_000,
  };
}

/** Byte i = i mod 251 (§23). */
export function attachmentPlaintext(size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => i % 251);
}

export function linkVectorInputs(): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => i);
}

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 36 bytes -> 58 symbols: 288 bits shifted left by 2 zero pad bits. */
function base32Of36(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  n <<= 2n;
  let out = '';
  for (let i = 0; i < 58; i++) {
    out = ALPHABET.charAt(Number(n & 31n)) + out;
    n >>= 5n;
  }
  return out;
}

function domainTag(s: string): Uint8Array {
  return Uint8Array.from([s.length, ...new TextEncoder().encode(s)]);
}

function cat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

/** What an opener must answer for a changed text: pad bits set -> link_format; else the checksum decides. */
function expectedCode(secretAndCheck: string): string {
  let n = 0n;
  for (const c of secretAndCheck) n = (n << 5n) | BigInt(ALPHABET.indexOf(c));
  if ((n & 3n) !== 0n) return 'link_format';
  n >>= 2n;
  const bytes = new Uint8Array(36);
  for (let i = 35; i >= 0; i--) {
    bytes[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  const check = sodium()
    .crypto_generichash(32, cat(domainTag('carnet/v1/link-check'), bytes.subarray(0, 32)), null)
    .subarray(0, 4);
  return sodium().memcmp(check, bytes.subarray(32)) ? 'accepted' : 'link_checksum';
}

export function linkExpected(secret: Uint8Array) {
  const s = sodium();
  const hex = (b: Uint8Array) => s.to_hex(b);
  const sub = (ctx: string) => s.crypto_kdf_derive_from_key(32, 1, ctx, secret);
  const check = s.crypto_generichash(32, cat(domainTag('carnet/v1/link-check'), secret), null).subarray(0, 4);
  const body = base32Of36(cat(secret, check));
  const fragment = `c1${body}`;
  const linkId = sub('CNlnkid_').subarray(0, 16);
  const box = s.crypto_kx_seed_keypair(sub('CNlnkkey'));
  const auth = s.crypto_sign_seed_keypair(sub('CNlnkaut'));
  const pvk = sub('CNlnkpcv');
  const verifier = s.crypto_generichash(
    32,
    cat(domainTag('carnet/v1/link-passcode'), linkId, new TextEncoder().encode('4711')),
    pvk,
  );
  const invalid: { text: string; code: string }[] = [];
  for (const position of [0, 1, 2, 17, 30, 45, 58, 59]) {
    for (const replacement of ['0', 'Z', 'M']) {
      const original = fragment.charAt(position);
      if (replacement === original) continue;
      const text = fragment.slice(0, position) + replacement + fragment.slice(position + 1);
      const code = position < 2 ? 'link_format' : expectedCode(text.slice(2));
      if (code !== 'accepted') invalid.push({ text, code });
    }
  }
  invalid.push({ text: fragment.slice(0, -1), code: 'link_format' });
  invalid.push({ text: `${fragment}0`, code: 'link_format' });
  invalid.push({ text: fragment.replace('c1', 'c2'), code: 'link_format' });
  invalid.push({ text: `${fragment.slice(0, 10)}U${fragment.slice(11)}`, code: 'link_format' });
  const grouped = fragment.match(/.{1,5}/g)?.join(' ') ?? fragment;
  return {
    inputs: { secret: hex(secret), origin: 'https://relay.example', passcode: '4711' },
    expected: {
      checksum: hex(check),
      fragment,
      url: `https://relay.example/l#${fragment}`,
      code: grouped,
      linkId: hex(linkId),
      linkBoxPublicKey: hex(box.publicKey),
      passcodeVerifierKey: hex(pvk),
      verifier4711: hex(verifier),
      linkAuthPublicKey: hex(auth.publicKey),
      linkMacKey: hex(sub('CNlnkmac')),
    },
    accepted: [
      fragment,
      `https://relay.example/l#${fragment}`,
      grouped.toLowerCase(),
      grouped.replace(/0/g, 'O').replace(/1/g, 'I'),
    ],
    invalid,
  };
}
