import * as v from 'valibot';
import { foldText } from './normalise-text.ts';
import { Category, IsoDate, Level, type IndexEntry } from './record-schema.ts';

/** What the overview may filter on; every field is optional and they combine with AND. */
export const RecordFilter = v.strictObject({
  /** Only these categories. */
  categories: v.optional(v.array(Category)),
  levels: v.optional(v.array(Level)),
  /** Date of care on or after this day. */
  from: v.optional(IsoDate),
  /** Date of care on or before this day. */
  to: v.optional(IsoDate),
  /** The document's author (the doctor, the lab), compared without case or accents. */
  author: v.optional(v.string()),
  /** The member who created the record (membership index). */
  createdBy: v.optional(v.number()),
});
export type RecordFilter = v.InferOutput<typeof RecordFilter>;

/** One month of the timeline, `YYYY-MM`, newest first. */
export interface TimelineMonth {
  month: string;
  entries: IndexEntry[];
}

/** A predicate for `filter`, built once per query (folding the author once, not per entry). */
export function entryMatcher(filter: RecordFilter): (entry: IndexEntry) => boolean {
  const categories = filter.categories === undefined ? undefined : new Set(filter.categories);
  const levels = filter.levels === undefined ? undefined : new Set(filter.levels);
  const author = filter.author === undefined ? undefined : foldText(filter.author.trim());
  return (entry) =>
    (categories === undefined || categories.has(entry.category)) &&
    (levels === undefined || levels.has(entry.level)) &&
    (filter.from === undefined || entry.date >= filter.from) &&
    (filter.to === undefined || entry.date <= filter.to) &&
    (author === undefined || foldText(entry.author.trim()) === author) &&
    (filter.createdBy === undefined || entry.created.by === filter.createdBy);
}

/** Newest date of care first; on the same day the most recently changed first; then by id, so order is total. */
export function compareNewestFirst(a: IndexEntry, b: IndexEntry): number {
  if (a.date !== b.date) return a.date < b.date ? 1 : -1;
  if (a.changed.at !== b.changed.at) return b.changed.at - a.changed.at;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Groups entries already sorted newest first into months. */
export function groupByMonth(sorted: readonly IndexEntry[]): TimelineMonth[] {
  const months: TimelineMonth[] = [];
  let current: TimelineMonth | undefined;
  for (const entry of sorted) {
    const month = entry.date.slice(0, 7);
    if (current?.month !== month) {
      current = { month, entries: [] };
      months.push(current);
    }
    current.entries.push(entry);
  }
  return months;
}
