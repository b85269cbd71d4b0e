import * as v from 'valibot';
import {
  CLIENT_FRAME,
  ClientTextFrame,
  decodeClientPayload,
  PROTOCOL_VERSION,
  splitFrame,
  type ClientFrame,
  type HelloFrame,
  type WireErrorCode,
} from '#protocol';

/** Largest handshake text frame we parse; anything bigger is refused before JSON.parse. */
export const MAX_TEXT_FRAME = 4096;

/** Why a frame is refused before any handler sees it: the wire code, its words, and the rid when one parsed. */
export interface FrameRefusal {
  ok: false;
  code: WireErrorCode;
  message: string;
  rid?: number;
}

/**
 * The handshake text frame (§11.1): size first, then JSON, then the schema, then the version. Pure, so every
 * refusal is tested without a socket.
 */
export function readHello(data: string): { ok: true; hello: HelloFrame } | FrameRefusal {
  if (data.length > MAX_TEXT_FRAME)
    return { ok: false, code: 'frame_too_large', message: `text frames are limited to ${MAX_TEXT_FRAME} characters` };
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, code: 'bad_frame', message: 'frame is not valid JSON' };
  }
  const parsed = v.safeParse(ClientTextFrame, json);
  if (!parsed.success) {
    const type = typeof json === 'object' && json !== null && 'type' in json ? json.type : undefined;
    return {
      ok: false,
      code: type === 'hello' ? 'bad_frame' : 'unknown_frame',
      message: 'frame does not match any known frame',
    };
  }
  if (!parsed.output.versions.includes(PROTOCOL_VERSION))
    return { ok: false, code: 'unsupported_version', message: `this relay speaks version ${PROTOCOL_VERSION}` };
  return { ok: true, hello: parsed.output };
}

/**
 * A binary frame (§12.1): header, version, payload, then whether this session may send it yet. Only AUTH and
 * VAULT_CREATE come before authentication.
 */
export function readBinaryFrame(
  bytes: Uint8Array,
  authenticated: boolean,
): { ok: true; rid: number; frame: ClientFrame } | FrameRefusal {
  let raw;
  try {
    raw = splitFrame(bytes);
  } catch {
    // Too short for a header, or a rid varint that is overlong: a client error, not a relay failure.
    return { ok: false, code: 'bad_frame', message: 'frame header does not parse' };
  }
  const rid = raw.rid;
  if (raw.version !== PROTOCOL_VERSION)
    return { ok: false, code: 'unsupported_version', message: 'unknown frame version', rid };
  let frame;
  try {
    frame = decodeClientPayload(raw.type, raw.payload);
  } catch {
    return { ok: false, code: 'bad_frame', message: 'payload does not parse', rid };
  }
  if (frame === undefined)
    return { ok: false, code: 'unknown_frame', message: `frame type ${raw.type} is not served`, rid };
  if (!authenticated && raw.type !== CLIENT_FRAME.AUTH && raw.type !== CLIENT_FRAME.VAULT_CREATE)
    return { ok: false, code: 'not_authenticated', message: 'authenticate first', rid };
  return { ok: true, rid, frame };
}
