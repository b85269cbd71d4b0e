// Writes tests/fixtures/vectors/membership-log.json: `npx tsx tests/protocol/generate-membership-vectors.ts`.
// membership-vectors.test.ts recomputes the vectors and fails if any value differs.
import fs from 'node:fs';
import path from 'node:path';
import prettier from 'prettier';
import { ready } from '#crypto';
import { buildMembershipVectors, VECTOR_FILE } from './membership-vectors.ts';

await ready();
fs.mkdirSync(path.dirname(VECTOR_FILE), { recursive: true });
// Formatted as `npm run lint` expects, so regenerating never leaves a formatting diff.
const options = await prettier.resolveConfig(VECTOR_FILE);
const text = await prettier.format(JSON.stringify(buildMembershipVectors()), { ...options, filepath: VECTOR_FILE });
fs.writeFileSync(VECTOR_FILE, text);
console.log(`wrote ${VECTOR_FILE}`);
