import type { IndexEntry, TimelineMonth } from '#vault';

/**
 * Entries already sorted newest first (as `records.search` returns them), grouped into months `YYYY-MM`.
 *
 * @example groupByMonth(vault.records.search('hemoglobin')) // [{ month: '2026-03', entries: [...] }]
 */
export function groupByMonth(entries: readonly IndexEntry[]): TimelineMonth[] {
  const months: TimelineMonth[] = [];
  for (const entry of entries) {
    const month = entry.date.slice(0, 7);
    const last = months.at(-1);
    if (last?.month === month) last.entries.push(entry);
    else months.push({ month, entries: [entry] });
  }
  return months;
}
