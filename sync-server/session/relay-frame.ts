import { encodeRelayPayload, joinFrame, relayFrameType, type RelayFrame } from '#protocol';

/** One relay frame, header included. Relay pushes (fan-out, notices) use rid 0. */
export function relayFrame(rid: number, frame: RelayFrame): Uint8Array {
  return joinFrame(relayFrameType(frame), rid, encodeRelayPayload(frame));
}

export function encodeNotice(kind: number, value: number, recordId?: Uint8Array): Uint8Array {
  return relayFrame(0, { type: 'NOTICE', kind, value, ...(recordId === undefined ? {} : { recordId }) });
}
