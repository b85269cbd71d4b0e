import fs from 'node:fs';
import type { Clock } from '../clock.ts';
import { refuse } from '../session/wire-error.ts';

export interface DiskWatermark {
  /** Refuses (`disk_full`) when the free space is below the watermark; reads it at most every 2 s. */
  check(): Promise<void>;
}

/** Free bytes for unprivileged writers on the filesystem holding `dir`. */
export function statfsFreeBytes(dir: string): () => Promise<number> {
  return async () => {
    const stats = await fs.promises.statfs(dir);
    return stats.bavail * stats.bsize;
  };
}

/**
 * Stops writes before the disk is full (issue 12 item 3): a full disk breaks every vault on the relay, and the
 * database may not even be able to roll back cleanly. Reads stay served; writes get `disk_full` until space is
 * freed. `freeBytes` is injected so tests need not fill a disk.
 */
export function createDiskWatermark(options: {
  minFreeBytes: number;
  freeBytes: (() => Promise<number>) | undefined;
  clock: Clock;
}): DiskWatermark {
  let readAt = -Infinity;
  let free = Infinity;
  return {
    check: async () => {
      if (options.freeBytes === undefined || options.minFreeBytes <= 0) return;
      const now = options.clock.now();
      if (now - readAt >= 2000) {
        free = await options.freeBytes().catch(() => Infinity);
        readAt = now;
      }
      if (free < options.minFreeBytes) refuse('disk_full', 'the relay is low on disk space; try later');
    },
  };
}
