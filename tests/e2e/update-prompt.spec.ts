import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Its own relay over its own copy of the build, so publishing a "new version" here disturbs no other test.
const PORT = Number(process.env.E2E_PORT ?? 4187) + 1;
const ORIGIN = `http://127.0.0.1:${PORT}`;

let relay: ChildProcess | undefined;
let workDir = '';
let appDir = '';

test.beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carnet-update-'));
  appDir = path.join(workDir, 'build');
  fs.cpSync('build', appDir, { recursive: true });
  relay = spawn(
    process.execPath,
    ['--import', 'tsx', 'sync-server/main.ts', '--app-dir', appDir, '--data-dir', workDir, '--port', String(PORT)],
    {
      env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      stdio: 'inherit',
    },
  );
  await expect
    .poll(
      () =>
        fetch(`${ORIGIN}/healthz`).then(
          (r) => r.status,
          () => 0,
        ),
      { timeout: 30_000 },
    )
    .toBe(200);
});

test.afterAll(() => {
  relay?.kill('SIGTERM');
  fs.rmSync(workDir, { recursive: true, force: true });
});

test('a new version is offered, never forced, and "Reload now" switches to it', async ({ page }) => {
  await page.goto(`${ORIGIN}/`);
  await expect(page.getByRole('heading', { level: 1, name: 'Create your health record' })).toBeVisible();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
  const prompt = page.getByRole('region', {
    name: 'A new version of Carnet is ready.',
  });
  await expect(prompt).toHaveCount(0);

  // Publish a new version: a changed sw.js is what browsers compare.
  fs.appendFileSync(path.join(appDir, 'sw.js'), `\n// new version ${Date.now()}\n`);
  await page.evaluate(async () => {
    await (await navigator.serviceWorker.getRegistration())?.update();
  });
  await expect(prompt).toBeVisible({ timeout: 30_000 });
  // Nothing reloads on its own: the person is where they were, with the choice.
  await expect(page).toHaveURL(`${ORIGIN}/`);

  // "Later" hides the offer without switching.
  await prompt.getByRole('button', { name: 'Later' }).click();
  await expect(prompt).toHaveCount(0);
  expect(
    await page.evaluate(async () => ((await navigator.serviceWorker.getRegistration())?.waiting ?? null) !== null),
  ).toBe(true);

  // The next check offers it again; "Reload now" activates the waiting worker, then reloads once.
  await page.reload();
  await expect(prompt).toBeVisible({ timeout: 30_000 });
  const reloaded = page.waitForEvent('load');
  await prompt.getByRole('button', { name: 'Reload now' }).click();
  await reloaded;
  await expect(page.getByRole('heading', { level: 1, name: 'Create your health record' })).toBeVisible();
  await expect(prompt).toHaveCount(0);
  const registration = await page.evaluate(async () => {
    const r = await navigator.serviceWorker.getRegistration();
    return {
      waiting: (r?.waiting ?? null) !== null,
      controlled: navigator.serviceWorker.controller !== null,
    };
  });
  expect(registration).toEqual({ waiting: false, controlled: true });
});
