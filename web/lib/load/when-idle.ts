/**
 * Runs `work` once the page is idle (at the latest after `timeoutMs`): for loading, in the background, code the
 * next screen will need, after the current screen is painted and usable.
 *
 * @example
 * whenIdle(() => void import('$lib/components/RecordOverview.svelte'));
 */
export function whenIdle(work: () => void, timeoutMs = 2000): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(() => work(), { timeout: timeoutMs });
  else setTimeout(work, 0);
}
