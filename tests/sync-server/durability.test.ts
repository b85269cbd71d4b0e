// Issue 7 "Must show", durability: the ACK comes after the commit (an instrumented store that holds the relay
// inside every commit, and a client in another process timing each ACK), and SQLite runs in WAL with
// synchronous=FULL. The kill -9 runs are in kill9.test.ts; the injected faults in faults.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '#sync-server/store/sqlite-store';
import { checkAckAfterCommit } from './relay-checks.ts';

describe('durability (issue 7)', () => {
  it('acknowledges only after commit', async () => {
    const result = await checkAckAfterCommit();
    console.log(`ack after commit: ${result.detail}`);
    expect(result.ok, result.detail).toBe(true);
  });

  // Also proved in stores.test.ts ("runs with WAL and synchronous=FULL"); here on the file the relay opens.
  it('runs SQLite in WAL with synchronous=FULL', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-durability-'));
    const store = openSqliteStore(path.join(dir, 'relay.sqlite'));
    // synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA.
    expect(store.pragmas()).toEqual({ journalMode: 'wal', synchronous: 2 });
    expect(store.integrityCheck()).toBe('ok');
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
