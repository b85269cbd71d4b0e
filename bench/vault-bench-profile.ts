// `npm run bench -- vault --profile`: where the time from the KDF's return to the overview goes, as self time per
// source module and per function, from a Chromium CPU profile of the unbundled-by-name esbuild output (esbuild
// marks each module's start with a `// path` comment line, which maps a sampled line back to its source file).

export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Module start lines of an esbuild bundle, ascending. */
function moduleMarkers(bundle: string): { line: number; module: string }[] {
  const out: { line: number; module: string }[] = [];
  bundle.split('\n').forEach((text, line) => {
    // A symlinked node_modules shows up as a relative path to its real place: keep from `node_modules/` on.
    const match = /^\/\/ (?:\S*?\/)?((?:node_modules|vault|crypto|protocol|bench)\/\S+)$/.exec(text);
    if (match?.[1] !== undefined) out.push({ line, module: match[1] });
  });
  return out;
}

function shortModule(module: string): string {
  const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module);
  return pkg?.[1] ?? module;
}

export function profileSummary(profile: CpuProfile, bundle: string, wallMs: number): string {
  const markers = moduleMarkers(bundle);
  const moduleOf = (url: string, line: number): string => {
    if (url.startsWith('wasm://')) return 'libsodium (wasm)';
    if (!url.endsWith('/bench.js')) return url === '' ? '(engine)' : url;
    let low = 0;
    let high = markers.length - 1;
    let found = '(bundle)';
    while (low <= high) {
      const mid = (low + high) >> 1;
      const marker = markers[mid];
      if (marker === undefined) break;
      if (marker.line <= line) {
        found = shortModule(marker.module);
        low = mid + 1;
      } else high = mid - 1;
    }
    return found;
  };
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
  const callersOf = new Map<string, Map<string, number>>();
  const selfByModule = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  let total = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, i) => {
    // A sample's time is the gap to the next sample.
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const frame = byNode.get(id)?.callFrame;
    if (frame === undefined) return;
    const module =
      frame.functionName === '(garbage collector)' ? '(garbage collector)' : moduleOf(frame.url, frame.lineNumber);
    const fn = `${frame.functionName === '' ? '(anonymous)' : frame.functionName}  [${module}]`;
    if (frame.functionName === '(idle)') return;
    total += ms;
    selfByModule.set(module, (selfByModule.get(module) ?? 0) + ms);
    selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + ms);
    // The nearest caller outside the function's own module: who asked for this work.
    let up = parentOf.get(id);
    let caller = '(root)';
    while (up !== undefined) {
      const f = byNode.get(up)?.callFrame;
      const m = f === undefined ? '' : moduleOf(f.url, f.lineNumber);
      if (f !== undefined && m !== module && m.includes('/')) {
        caller = `${f.functionName} [${m}]`;
        break;
      }
      up = parentOf.get(up);
    }
    for (const key of [fn, module]) {
      const callers = callersOf.get(key) ?? new Map<string, number>();
      callers.set(caller, (callers.get(caller) ?? 0) + ms);
      callersOf.set(key, callers);
    }
  });
  const top = (map: Map<string, number>, count: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, ms]) => {
        const callers = [...(callersOf.get(name) ?? new Map<string, number>())]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 2)
          .map(([c, t]) => `${c} ${t.toFixed(0)}`)
          .join('; ');
        return `| ${name} | ${ms.toFixed(1)} | ${((100 * ms) / total).toFixed(0)}% | ${callers} |`;
      });
  return [
    `sampled ${total.toFixed(0)} ms busy of ${wallMs.toFixed(0)} ms wall (the rest: waiting, mostly on IndexedDB)`,
    '',
    '| module | self ms | share | top callers outside the module (ms) |',
    '| --- | ---: | ---: | --- |',
    ...top(selfByModule, 14),
    '',
    '| function [module] | self ms | share | called from (ms) |',
    '| --- | ---: | ---: | --- |',
    ...top(selfByFunction, 20),
  ].join('\n');
}
