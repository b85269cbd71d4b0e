// Renders static/icons/*.png from static/icons/icon.svg with Chromium (run by hand after changing the
// drawing: `node --import tsx scripts/render-icons.mjs`; the PNGs are committed). "any" icons keep the rounded square
// on a transparent background; maskable ones fill the whole square and keep the drawing inside the
// central 80% safe zone, since launchers crop them to circles or squircles.
import { chromium } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumLaunch } from '../playwright.config.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const iconsDir = path.join(root, 'static', 'icons');
const svg = fs.readFileSync(path.join(iconsDir, 'icon.svg'), 'utf8');
const BRAND = '#0b5f73';

const outputs = [
  { file: 'icon-192.png', size: 192, maskable: false },
  { file: 'icon-512.png', size: 512, maskable: false },
  { file: 'maskable-192.png', size: 192, maskable: true },
  { file: 'maskable-512.png', size: 512, maskable: true },
  // iOS draws its own rounded corners and shows black behind transparency: full bleed, like maskable.
  { file: 'apple-touch-icon.png', size: 180, maskable: true },
];

const browser = await chromium.launch(chromiumLaunch);
const page = await browser.newPage();
for (const { file, size, maskable } of outputs) {
  await page.setViewportSize({ width: size, height: size });
  const art = maskable ? Math.round(size * 0.78) : size;
  const html = `<!doctype html><html><body style="margin:0;width:${size}px;height:${size}px;display:grid;place-items:center;background:${maskable ? BRAND : 'transparent'}">
    <div style="width:${art}px;height:${art}px">${svg.replace('<svg ', `<svg width="${art}" height="${art}" `)}</div></body></html>`;
  await page.setContent(html);
  await page.screenshot({ path: path.join(iconsDir, file), omitBackground: !maskable });
  console.log(`wrote static/icons/${file} (${size}x${size}${maskable ? ', maskable' : ''})`);
}
await browser.close();
