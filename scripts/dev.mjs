// `npm run dev`: the relay on :8787 (no app) and Vite's dev server on :5173, which proxies /sync and /healthz.
import { spawn } from 'node:child_process';

const children = [
  spawn(process.execPath, ['--import', 'tsx', 'sync-server/main.ts', '--app-dir', '.no-app'], {
    stdio: 'inherit',
    env: process.env,
  }),
  spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'dev'], {
    stdio: 'inherit',
    env: { ...process.env, CARNET_DEV_PROXY: '1' },
  }),
];
const stop = () => children.forEach((child) => child.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children)
  child.on('exit', (code) => {
    stop();
    process.exitCode = code ?? 0;
  });
