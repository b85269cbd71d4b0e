import type { RelayLimits } from './relay-limits.ts';

const MiB = 1024 * 1024;

/** How a streamed answer (SYNC, FETCH, MEMBER_GET, BLOB_GET) paces itself against one reader's send queue. */
export interface StreamBudget {
  /** Bytes packed into one streamed frame (one envelope larger than this still goes alone in its frame). */
  frameBytes: number;
  /** The next frame waits until the send queue is at or below this. */
  drainBelow: number;
}

/**
 * A quarter of MAX_BUFFERED_BYTES for each, and 1 MiB of queue at most (§13.4): the queue then holds at most
 * `drainBelow` plus one frame, so an honest slow reader is never closed with 1013. The one exception, a single
 * envelope up to MAX_FRAME_BYTES, is why config.ts requires MAX_BUFFERED_BYTES >= MAX_FRAME_BYTES + 1 MiB.
 */
export function streamBudget(limits: Pick<RelayLimits, 'maxBufferedBytes' | 'maxFrameBytes'>): StreamBudget {
  const quarter = Math.floor(limits.maxBufferedBytes / 4);
  return { frameBytes: Math.min(limits.maxFrameBytes, quarter), drainBelow: Math.min(MiB, quarter) };
}

/** The smallest MAX_BUFFERED_BYTES that always fits the largest frame after the queue drained (config.ts). */
export const minBufferedBytes = (maxFrameBytes: number): number => maxFrameBytes + MiB;
