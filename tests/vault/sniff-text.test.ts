import { describe, expect, it } from 'vitest';
import { isVaultError } from '#vault';
import { createTextCheck, SNIFF_BYTES, sniffMediaType } from '#vault/attachments/index';
import { attachmentHarness, fixture, inputFile, textBytes } from './attachments-support.ts';

/** What the vault takes a whole file for, from its head and from the streaming check of its bytes. */
function textVerdict(bytes: Uint8Array): string {
  const mediaType = sniffMediaType(bytes.subarray(0, SNIFF_BYTES), bytes.length <= SNIFF_BYTES) ?? 'refused';
  const check = createTextCheck();
  const whole = check.update(bytes) && check.end();
  return `${mediaType}, ${whole ? 'text' : 'not text'}`;
}

// The rule: a text document is valid UTF-8 (a BOM allowed) holding no C0 control character but tab, line
// feed, carriage return and form feed, and no DEL, in the whole file (the head when sniffed, the rest as it
// streams into the vault, and all of it when picked in the browser).
describe('plain text as sniffMediaType and createTextCheck accept it', () => {
  it.each([
    ['png-renamed.txt', 'image/png'], // the name does not make it text: it is taken for the PNG it is
    ['nul-in-ascii.txt', 'refused'],
    ['controls-in-ascii.txt', 'refused'],
    ['latin1.txt', 'refused'],
  ])('%s is %s, never text/plain', (name, expected) => {
    expect(sniffMediaType(fixture(name), true) ?? 'refused').toBe(expected);
  });

  it('accepts UTF-8 with a BOM, tabs, CR LF and a form feed as text', () => {
    expect(textVerdict(fixture('utf8-bom.txt'))).toBe('text/plain, text');
  });

  it('refuses ASCII-looking bytes with any C0 control but tab, LF, CR and FF, or with DEL', () => {
    const allowed = [0x09, 0x0a, 0x0c, 0x0d];
    for (let byte = 0; byte < 0x20; byte++) {
      const bytes = new TextEncoder().encode('Potassium 4.1 mmol/L\n');
      bytes[9] = byte;
      expect(textVerdict(bytes), `0x${byte.toString(16)}`).toBe(
        allowed.includes(byte) ? 'text/plain, text' : 'refused, not text',
      );
    }
    expect(textVerdict(new TextEncoder().encode('abc\u007fdef'))).toBe('refused, not text');
  });

  it('refuses in the vault a text file with a control character past the sniffed head', async () => {
    const h = await attachmentHarness();
    const bytes = textBytes(SNIFF_BYTES * 3);
    bytes[SNIFF_BYTES * 2] = 0x01;
    const error: unknown = await h.store.add(h.recordId, inputFile(bytes, 'notes.txt')).catch((e: unknown) => e);
    expect(isVaultError(error) ? error.code : error).toBe('attachment_type_not_allowed');
    expect(await h.counts()).toEqual({ blobs: 0, states: 0 });
  });
});
