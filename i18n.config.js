// One definition of how Paraglide compiles messages/, shared by the Vite plugin (build, dev) and by
// scripts/paraglide.mjs (npm test, before svelte-check and tsc read the generated files on a fresh clone).

/** @type {import('@inlang/paraglide-js').CompilerOptions} */
export const paraglideOptions = {
  project: './project.inlang',
  outdir: './web/lib/paraglide',
  // The person's own choice first, then the browser's languages, then English.
  strategy: ['localStorage', 'preferredLanguage', 'baseLocale'],
  localStorageKey: 'carnet-language',
  emitGitIgnore: false,
  emitPrettierIgnore: false,
  emitReadme: false,
};
