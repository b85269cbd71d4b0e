// Playwright drives Debian's Chromium (downloads of browsers are impossible here). Install it when missing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!fs.existsSync(CHROMIUM)) {
  const command = 'apt-get update && apt-get install -y chromium';
  if (typeof process.getuid === 'function' && process.getuid() === 0) {
    console.error(`carnet: ${CHROMIUM} is missing; installing Debian's chromium (${command})…`);
    const result = spawnSync('sh', ['-c', `DEBIAN_FRONTEND=noninteractive ${command}`], { stdio: 'inherit' });
    if (result.status !== 0 || !fs.existsSync(CHROMIUM)) {
      console.error('carnet: installing chromium failed.');
      process.exit(1);
    }
  } else {
    console.error(
      `carnet: the browser tests need Chromium at ${CHROMIUM}. Install it with:\n\n  sudo ${command}\n\nor point CHROMIUM_PATH at a Chromium binary.`,
    );
    process.exit(1);
  }
}
