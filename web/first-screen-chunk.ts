/**
 * Build-time only (vite.config.ts): names the chunk of every module the first screen imports statically, so
 * the code of the unlock and onboarding screens (`/`) ships as one file beside the route entries, instead of a
 * score of small chunks. Over HTTP/1.1 a browser opens six connections per host: on a slow phone network each
 * further round of files costs a round trip (docs/ARCHITECTURE.md, "First load").
 */

/** The modules the first screen starts from: kit's root layout, error page and `/` page, and the client hooks. */
const FIRST_SCREEN_ROOTS = [
  /[\\/]web[\\/]routes[\\/]\+layout\.(svelte|ts)$/,
  /[\\/]web[\\/]routes[\\/]\+page\.svelte$/,
  /[\\/]web[\\/]routes[\\/]\+error\.svelte$/,
  /[\\/]web[\\/]hooks\.client\.ts$/,
];

export const FIRST_SCREEN_CHUNK = 'first-screen';

interface ModuleGraph {
  getModuleInfo(id: string): { importers: readonly string[] } | null;
}

/**
 * `output.codeSplitting.groups[].name` for rolldown: 'first-screen' for a module one of the roots imports,
 * directly or through other static imports; null for the rest (the roots themselves stay in their route's entry).
 */
export function firstScreenChunk(): (id: string, graph: ModuleGraph) => string | null {
  const known = new Map<string, boolean>();
  const reachedFromRoots = (id: string, graph: ModuleGraph): boolean => {
    const cached = known.get(id);
    if (cached !== undefined) return cached;
    known.set(id, false); // a cycle adds nothing
    const importers = graph.getModuleInfo(id)?.importers ?? [];
    const reached = importers.some(
      (importer) => FIRST_SCREEN_ROOTS.some((root) => root.test(importer)) || reachedFromRoots(importer, graph),
    );
    known.set(id, reached);
    return reached;
  };
  return (id, graph) => (reachedFromRoots(id, graph) ? FIRST_SCREEN_CHUNK : null);
}
