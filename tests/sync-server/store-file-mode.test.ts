// Issue 12, item 7: relay.sqlite and its WAL and shared-memory files are owner-only (0600), like the signing
// key; on a16b06f they were created with the process umask (0644 on most systems: readable by every user).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '#sync-server/store/sqlite-store';

const mode = (file: string): string => (fs.statSync(file).mode & 0o777).toString(8);

describe('SQLite file modes (issue 12 item 7)', () => {
  it('creates relay.sqlite, its WAL and its SHM 0600, and tightens an existing world-readable store', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-mode-'));
    const file = path.join(dir, 'relay.sqlite');
    const umask = process.umask(0o022);
    try {
      let store = openSqliteStore(file);
      await store.createVault(new Uint8Array(16).fill(1), new Uint8Array([1]), [], undefined);
      expect([mode(file), mode(`${file}-wal`), mode(`${file}-shm`)]).toEqual(['600', '600', '600']);
      await store.close();
      fs.chmodSync(file, 0o644);
      store = openSqliteStore(file);
      expect(await store.vault(new Uint8Array(16).fill(1))).toBeDefined();
      expect([mode(file), mode(`${file}-wal`), mode(`${file}-shm`)]).toEqual(['600', '600', '600']);
      await store.close();
    } finally {
      process.umask(umask);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
