import type { Progress } from '#vault';
import { m } from '$lib/i18n/messages.ts';
import { formatNumber } from '$lib/format/format-number.ts';

/** What a progress bar says while the vault works, and whether it can show how far along it is. */
export interface ProgressView {
  readonly label: string;
  /** Undefined while the end cannot be known (the key derivation): the bar is then indeterminate. */
  readonly value: number | undefined;
  readonly max: number;
  readonly detail: string | undefined;
}

/**
 * Words for each phase of long work (ux.md principle 8: a count or a bar).
 *
 * @example describeProgress({ phase: 'load', done: 3, total: 12 }, 'en').detail // "3 of 12 records"
 */
export function describeProgress(progress: Progress | null, locale: string): ProgressView {
  if (progress === null || progress.phase === 'kdf') {
    return { label: m.progress_kdf(), value: undefined, max: 1, detail: m.progress_kdf_detail() };
  }
  const total = Math.max(progress.total, 1);
  const done = Math.min(progress.done, total);
  // Records are counted; bytes are not something people count, so those show a percentage.
  const detail =
    progress.phase === 'load'
      ? m.progress_count({ done: formatNumber(done, locale), total: formatNumber(total, locale) })
      : formatNumber(done / total, locale, { style: 'percent' });
  const labels = {
    load: () => m.progress_load(),
    write: () => m.progress_write(),
    read: () => m.progress_read(),
    check: () => m.progress_check(),
  };
  return { label: labels[progress.phase](), value: progress.done, max: total, detail };
}
