// Issue 6: two tabs of one vault in one Chromium profile (real IndexedDB, real BroadcastChannel) edit one record
// at the same time; both end with the same note holding every edit of both, and a reload shows the same. Locking
// one tab locks the other.
import { expect, test } from '@playwright/test';
import { startHarnessServer, type HarnessServer } from './harness/harness-server.ts';

let server: HarnessServer;
test.beforeAll(async () => {
  server = await startHarnessServer();
});
test.afterAll(async () => {
  await server.close();
});

test('two tabs editing one record converge with no lost edit; locking one locks the other', async ({ context }) => {
  const a = await context.newPage();
  await a.goto(server.url);
  await a.waitForFunction(() => document.title === 'ready');
  const vaultId = await a.evaluate(() => window.harness.create());
  const recordId = await a.evaluate(async () => {
    const id = window.harness.createRecord('Journal partagé');
    await window.harness.flush();
    return id;
  });
  const b = await context.newPage();
  await b.goto(server.url);
  await b.waitForFunction(() => document.title === 'ready');
  await b.evaluate((id) => window.harness.unlock(id), vaultId);

  const N = 60;
  await Promise.all([
    a.evaluate(([id, n]) => window.harness.type(String(id), 'A', Number(n), true), [recordId, N]),
    b.evaluate(([id, n]) => window.harness.type(String(id), 'B', Number(n), false), [recordId, N]),
  ]);
  await expect
    .poll(async () => {
      const [na, nb] = await Promise.all([
        a.evaluate((id) => window.harness.note(id), recordId),
        b.evaluate((id) => window.harness.note(id), recordId),
      ]);
      return na === nb ? na : `differ: ${na} | ${nb}`;
    })
    .toMatch(/^[AB0-9;]+$/);
  const note = await a.evaluate((id) => window.harness.note(id), recordId);
  for (let i = 0; i < N; i++) {
    expect(note).toContain(`A${String(i)};`);
    expect(note).toContain(`B${String(i)};`);
  }
  expect(note.length).toBe(2 * Array.from({ length: N }, (_, i) => `A${String(i)};`.length).reduce((x, y) => x + y, 0));

  // What is stored is what both tabs show: a third tab reading only IndexedDB sees the same note.
  const c = await context.newPage();
  await c.goto(server.url);
  await c.waitForFunction(() => document.title === 'ready');
  await c.evaluate((id) => window.harness.unlock(id), vaultId);
  expect(await c.evaluate((id) => window.harness.note(id), recordId)).toBe(note);

  await b.evaluate(() => {
    window.harness.watchLock();
  });
  await c.evaluate(() => {
    window.harness.watchLock();
  });
  await a.evaluate(() => {
    window.harness.lock();
  });
  await expect.poll(() => b.evaluate(() => window.harness.lockedReason)).toBe('other_tab');
  await expect.poll(() => c.evaluate(() => window.harness.lockedReason)).toBe('other_tab');
  await expect(b.evaluate((id) => window.harness.note(id), recordId)).rejects.toThrow(/locked/);
});
