/** An upload in progress: whose it is and the quota it holds back (issue 12 item 6, PROTOCOL.md §9.3). */
export interface Upload {
  readonly principal: number;
  readonly size: number;
  /** Announced bytes not stored yet, held out of the quota so parallel uploads cannot overshoot it. */
  reserved: number;
  touchedAt: number;
}

/**
 * Uploads in progress in one vault, whichever socket they came on, so a cut socket's upload resumes on the
 * next. It lives with the vault's handle, for the relay process: after a restart an upload's stored bytes are
 * still counted in the vault's used bytes, and its next BLOB_PUT reserves the rest again.
 */
export interface UploadLedger {
  /** Bytes reserved by every upload in progress. */
  readonly reserved: number;
  get(key: string): Upload | undefined;
  /** Replaces any upload under `key`, reserving `reserved` bytes. */
  start(key: string, upload: Upload): void;
  /** `bytes` of an upload's reservation were stored. */
  consume(upload: Upload, bytes: number, now: number): void;
  /** Ends an upload (complete, failed or restarted) and gives back what it still held. */
  release(key: string): void;
  /** Gives back the reservations of uploads idle for longer than the idle time. */
  sweep(now: number): void;
}

export function createUploadLedger(idleMs: number): UploadLedger {
  const uploads = new Map<string, Upload>();
  let reserved = 0;
  const release = (key: string): void => {
    const upload = uploads.get(key);
    if (upload === undefined) return;
    reserved -= upload.reserved;
    uploads.delete(key);
  };
  return {
    get reserved() {
      return reserved;
    },
    get: (key) => uploads.get(key),
    start: (key, upload) => {
      release(key);
      uploads.set(key, upload);
      reserved += upload.reserved;
    },
    consume: (upload, bytes, now) => {
      upload.reserved -= bytes;
      reserved -= bytes;
      upload.touchedAt = now;
    },
    release,
    sweep: (now) => {
      for (const [key, upload] of uploads) if (now - upload.touchedAt > idleMs) release(key);
    },
  };
}
