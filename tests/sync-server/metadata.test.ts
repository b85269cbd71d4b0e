import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ready } from '#crypto';
import { snapshotEnvelope, updateEnvelope } from '#tests/helpers/relay-client';
import { startVaultRelay, type VaultRelay } from '#tests/helpers/relay-vault';

await ready();
const KNOWN = [
  'Bilan sanguin annuel',
  'Hémoglobine glyquée 6.1 %',
  'Dr. Müller, Laboratoire Ketterthill',
  'allergie pénicilline',
];

/** Every encoding a careless store could use for a string (security.md case 12). */
function encodings(text: string): Buffer[] {
  return [
    Buffer.from(text, 'utf8'),
    Buffer.from(text, 'utf16le'),
    Buffer.from(Buffer.from(text, 'utf8').toString('base64').slice(0, 16)),
  ];
}

describe('what the relay stores (THREAT_MODEL.md §2.5)', () => {
  let v: VaultRelay;
  beforeEach(async () => {
    v = await startVaultRelay('metadata');
  });
  afterEach(async () => {
    await v.stop();
  });

  it('relay database holds none of the known strings', async () => {
    const { a, log } = v;
    const record = new Uint8Array(16).fill(4);
    const plain = new TextEncoder().encode(KNOWN.join(' | '));
    for (let seq = 1; seq <= 5; seq++) {
      expect(
        await a.request({ type: 'PUSH', recordId: record, updates: [updateEnvelope(log, 2, record, seq, plain)] }),
      ).toMatchObject({ type: 'ACK' });
    }
    expect(
      await a.request({
        type: 'SNAPSHOT_PUT',
        recordId: record,
        baseRv: 0,
        snapshot: snapshotEnvelope(log, 2, record, [[2, 5]]),
      }),
    ).toMatchObject({
      type: 'ACK',
    });
    // Control: the scan finds a string the relay does store in clear (a public key of the membership log).
    const files = fs.readdirSync(v.relay.dataDir).filter((f) => f.startsWith('relay.sqlite'));
    const bytes = Buffer.concat(files.map((f) => fs.readFileSync(path.join(v.relay.dataDir, f))));
    expect(bytes.includes(Buffer.from(log.keys.get(2)?.sigPk ?? new Uint8Array(32)))).toBe(true);
    for (const text of KNOWN)
      for (const needle of encodings(text))
        expect(bytes.includes(needle), `${text} as ${needle.toString('hex', 0, 8)}…`).toBe(false);
  });
});
