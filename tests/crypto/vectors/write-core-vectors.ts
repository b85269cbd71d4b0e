// Writes the core vectors once: `npx tsx tests/crypto/vectors/write-core-vectors.ts`.
import fs from 'node:fs';
import path from 'node:path';
import { ready } from '#crypto';
import { buildCoreVectors } from './core-vectors.ts';

await ready();
const dir = path.resolve('tests/fixtures/vectors');
for (const [file, value] of Object.entries(buildCoreVectors())) {
  fs.writeFileSync(path.join(dir, file), JSON.stringify(value, null, 2) + '\n');
  console.log('wrote', file);
}
