// The import-boundary rule: dependencies point one way (docs/ARCHITECTURE.md).
//   crypto -> nothing of ours; protocol -> crypto; vault -> protocol, crypto;
//   sync-server -> protocol, crypto; web -> vault (plus *types* from protocol).
// Cross-folder imports go through package.json `imports` (#crypto, #protocol, #vault); relative paths
// that climb into another top-level folder are refused everywhere, so the rule cannot be walked around.

/**
 * Top-level source folders and what each may import. `types` lists folders importable with `import type` only.
 * @type {Record<string, { allow: string[]; types: string[] }>}
 */
export const BOUNDARIES = {
  crypto: { allow: [], types: [] },
  protocol: { allow: ['crypto'], types: [] },
  vault: { allow: ['protocol', 'crypto'], types: [] },
  'sync-server': { allow: ['protocol', 'crypto'], types: [] },
  web: { allow: ['vault'], types: ['protocol'] },
};

const FOLDERS = Object.keys(BOUNDARIES);

/**
 * Import specifiers that reach folder `target`: its alias, and any relative path into it.
 * @param {string} target
 */
function specifiersOf(target) {
  // A regex, not a gitignore glob: in gitignore syntax a leading '#' starts a comment.
  return `^(#${target}|\\.{1,2}/(.*/)?${target})(/|$)`;
}

/** @returns {import('eslint').Linter.Config[]} */
export function boundaryConfigs() {
  return FOLDERS.map((folder) => {
    const { allow, types } = BOUNDARIES[folder] ?? { allow: [], types: [] };
    const forbidden = FOLDERS.filter((f) => f !== folder && !allow.includes(f) && !types.includes(f));
    /** @type {{ regex: string; message: string; allowTypeImports?: boolean }[]} */
    const patterns = forbidden.map((target) => ({
      regex: specifiersOf(target),
      message: `${folder}/ may not import ${target}/ (allowed: ${[...allow, ...types.map((t) => `types from ${t}`)].join(', ') || 'nothing of ours'}). See docs/ARCHITECTURE.md.`,
    }));
    for (const target of types) {
      patterns.push({
        regex: specifiersOf(target),
        allowTypeImports: true,
        message: `${folder}/ may import only types from ${target}/ (use \`import type\`). See docs/ARCHITECTURE.md.`,
      });
    }
    // The web UI never touches Yjs, Dexie or libsodium directly: it goes through the vault facade.
    if (folder === 'web') {
      patterns.push({
        regex: '^(yjs|dexie|libsodium-wrappers(-sumo)?|y-indexeddb)(/|$)',
        message: 'web/ talks to Yjs, Dexie and libsodium only through the vault facade (#vault).',
      });
    }
    return {
      name: `carnet/boundaries/${folder}`,
      files: [`${folder}/**/*.{ts,js,svelte}`],
      rules: { 'no-restricted-imports': ['error', { patterns }] },
    };
  });
}
