import { Linter } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import { describe, expect, it } from 'vitest';
import { boundaryConfigs } from '../../eslint.boundaries.js';
import eslintConfig from '../../eslint.config.js';

/** Lints one line of source as if it lived at `file`, with the project's boundary rule only. */
function lint(file: string, source: string): string[] {
  const linter = new Linter({ configType: 'flat' });
  const configs = [{ files: ['**/*.ts'], languageOptions: { parser: tsParser } }, ...boundaryConfigs()];
  return linter.verify(source, configs, { filename: file }).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('import-boundary lint rule', () => {
  it.each([
    ['crypto/envelope.ts', "import { x } from '#protocol';"],
    ['crypto/envelope.ts', "import { x } from '../vault/records.ts';"],
    ['protocol/frames.ts', "import { x } from '#vault/records';"],
    ['protocol/frames.ts', "import { x } from '#sync-server/create-relay';"],
    ['vault/records.ts', "import { x } from '#sync-server/create-relay';"],
    ['vault/records.ts', "import { x } from '../web/lib/state.ts';"],
    ['sync-server/relay.ts', "import { x } from '#vault';"],
    ['sync-server/relay.ts', "import { x } from '../../vault/store.ts';"],
    ['web/lib/state.ts', "import { x } from '#crypto';"],
    ['web/lib/state.ts', "import { x } from '#sync-server/create-relay';"],
    ['web/lib/state.ts', "import { ClientFrame } from '#protocol';"],
    ['web/lib/state.ts', "import * as Y from 'yjs';"],
    ['web/lib/state.ts', "import Dexie from 'dexie';"],
  ])('fires in %s on %s', (file, source) => {
    const messages = lint(file, source);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^no-restricted-imports: /);
  });

  it.each([
    ['protocol/frames.ts', "import { x } from '#crypto';"],
    ['vault/records.ts', "import { x } from '#protocol';"],
    ['vault/records.ts', "import { x } from '#crypto/envelope';"],
    ['sync-server/relay.ts', "import { x } from '#protocol';"],
    ['sync-server/relay.ts', "import { x } from '#crypto';"],
    ['web/lib/state.ts', "import { x } from '#vault';"],
    ['web/lib/state.ts', "import type { ClientFrame } from '#protocol';"],
    ['crypto/envelope.ts', "import sodium from 'libsodium-wrappers-sumo';"],
    ['tests/anything.test.ts', "import { x } from '#vault';"],
    ['crypto/keys.ts', "import { x } from './vault-key.ts';"],
    ['vault/records/record.ts', "import { x } from '../store.ts';"],
  ])('allows in %s: %s', (file, source) => {
    expect(lint(file, source)).toEqual([]);
  });

  it('is part of the project ESLint config', () => {
    const names = (eslintConfig as { name?: string }[]).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['carnet/boundaries/crypto', 'carnet/boundaries/web']));
  });
});
