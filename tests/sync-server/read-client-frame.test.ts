// The relay's two frame readers (sync-server/session/read-client-frame.ts), pure: every refusal a connection can
// get before a handler runs, with its wire code and, once the header parsed, the rid to answer under.
import { describe, expect, it } from 'vitest';
import { CLIENT_FRAME, encodeClientPayload, joinFrame, PROTOCOL_VERSION } from '#protocol';
import { MAX_TEXT_FRAME, readBinaryFrame, readHello } from '#sync-server/session/read-client-frame';

const nonce = 'A'.repeat(43);
const hello = (fields: object): string =>
  JSON.stringify({ type: 'hello', versions: [PROTOCOL_VERSION], nonce, ...fields });

const refusal = (r: { ok: boolean; code?: string; rid?: number }): [string | undefined, number | undefined] => [
  r.ok ? 'ok' : r.code,
  r.rid,
];

describe('readHello', () => {
  it('accepts a hello that offers this version, with its invitation', () => {
    const r = readHello(hello({ invite: 'abc' }));
    expect(r.ok && r.hello.invite).toBe('abc');
  });

  it.each([
    ['too long', 'x'.repeat(MAX_TEXT_FRAME + 1), 'frame_too_large'],
    ['not JSON', '{"type":', 'bad_frame'],
    ['a hello with a wrong field', hello({ versions: 'one' }), 'bad_frame'],
    ['another type', JSON.stringify({ type: 'goodbye' }), 'unknown_frame'],
    ['no type', JSON.stringify([1, 2]), 'unknown_frame'],
    ['another version', hello({ versions: [PROTOCOL_VERSION + 1] }), 'unsupported_version'],
  ])('refuses %s', (_what, text, code) => {
    expect(refusal(readHello(text))[0]).toBe(code);
  });
});

describe('readBinaryFrame', () => {
  const wrapGet = encodeClientPayload({ type: 'WRAP_GET', fromEpoch: 0 });

  it('reads a frame and its rid; only AUTH and VAULT_CREATE before authentication', () => {
    const frame = joinFrame(CLIENT_FRAME.WRAP_GET, 7, wrapGet);
    const read = readBinaryFrame(frame, true);
    expect(read.ok && read.rid).toBe(7);
    expect(refusal(readBinaryFrame(frame, false))).toEqual(['not_authenticated', 7]);
  });

  it('refuses a short header, another version, a bad payload and an unserved type, with the rid once known', () => {
    expect(refusal(readBinaryFrame(new Uint8Array([PROTOCOL_VERSION]), true))).toEqual(['bad_frame', undefined]);
    const other = joinFrame(CLIENT_FRAME.WRAP_GET, 3, wrapGet);
    other[0] = PROTOCOL_VERSION + 1;
    expect(refusal(readBinaryFrame(other, true))).toEqual(['unsupported_version', 3]);
    expect(refusal(readBinaryFrame(joinFrame(CLIENT_FRAME.AUTH, 4, new Uint8Array(3)), false))).toEqual([
      'bad_frame',
      4,
    ]);
    expect(refusal(readBinaryFrame(joinFrame(0xee, 5, new Uint8Array()), true))).toEqual(['unknown_frame', 5]);
  });
});
