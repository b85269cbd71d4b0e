import { concat, list, U53_MAX, varint, type ByteReader } from '#crypto/bytes';
import { LIMITS } from '../records/limits.ts';
import { CATEGORIES, categoryCode, LEVELS, type IndexEntry } from '../records/record-schema.ts';
import { VaultError } from '../records/vault-error.ts';
import {
  decodeStrictly,
  ID_BYTES,
  idToBytes,
  invalid,
  readCount,
  readId,
  readText,
  textBytes,
} from './derived-bytes.ts';

/**
 * The catalogue page of one index shard (docs/design/index-at-scale.md §3.1): what the overview shows of the
 * shard's records, so unlock need not decode Yjs. The caller seals the bytes (derived row, §5).
 *
 * ```
 * varint src ‖ list<vstr> names (sorted, unique, each used) ‖ list<Entry> (newest first, compareOverview)
 * ‖ list<bytes(16)> unlisted (ascending) ‖ list<(bytes(16) id ‖ varint by ‖ varint at)> tombstones (ascending)
 * Entry = id (16) ‖ u8 category (§22.7, 1–9) ‖ u8 level (0–2) ‖ vstr date ‖ vstr title ‖ varint author (name
 *         index) ‖ varint organisation (name index) ‖ varint created.by ‖ varint created.at ‖ varint changed.by
 *         ‖ varint changed.at ‖ varint abnormal+1 ‖ varint files+1   (0 = absent: unknown)
 * ```
 * Decoded entries hold exactly what the record model's `IndexEntry` schema accepts, checked field by field
 * rather than by running the schema on each entry (13 µs each, 1.3 s at 100,000 entries, as slow as the Yjs
 * decode this page replaces): ids are 16 bytes, codes index the schema's lists, string byte limits equal the
 * schema's clamps, varint bounds equal its integer bounds, and `isCalendarDate` accepts what `IsoDate` does
 * (tests/vault/derived/catalogue-page.test.ts compares them, and runs the schema over decoded altered pages).
 *
 * An id is in at most one of entries and unlisted, and never both an entry and a tombstone (the overview
 * never shows a deleted record); unlisted ids may be tombstoned.
 */
export interface CataloguePage {
  /** The highest envelope row id of the shard among the rows the page was built from. */
  src: number;
  entries: IndexEntry[];
  /** Keys with a root but no valid entry. */
  unlisted: string[];
  tombstones: { id: string; by: number; at: number }[];
}

const WHAT = 'catalogue page';
/** Far above a shard's 1,024 keys (a shard may exceed it when merged replicas both added), far below harm. */
const MAX_KEYS = 65_536;
const DATE_BYTES = 10;
const NAME_BYTES = Math.max(LIMITS.authorBytes, LIMITS.organisationBytes);
/** id, category, level, date, title, author, organisation, 4 stamps, abnormal, files: at least one byte each. */
const MIN_ENTRY_BYTES = ID_BYTES + 12 + DATE_BYTES;
const COUNT_MAX = 0xffff;

/** The overview order: date descending, then last change descending, then id ascending. */
export function compareOverview(a: IndexEntry, b: IndexEntry): number {
  if (a.date !== b.date) return a.date < b.date ? 1 : -1;
  if (a.changed.at !== b.changed.at) return b.changed.at - a.changed.at;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const ascending = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function encodeCataloguePage(page: CataloguePage): Uint8Array {
  const entries = [...page.entries].sort(compareOverview);
  const names = [...new Set(entries.flatMap((entry) => [entry.author, entry.organisation]))].sort(ascending);
  const nameIndex = new Map(names.map((name, index) => [name, index]));
  for (const entry of entries) {
    if (!isCalendarDate(entry.date)) throw new VaultError('internal', 'an entry date that is not a calendar date');
  }
  const entryIds = new Set(entries.map((entry) => entry.id));
  if (entryIds.size !== entries.length) throw new VaultError('internal', 'an entry twice in a catalogue page');
  const unlisted = [...new Set(page.unlisted)].sort(ascending);
  if (unlisted.length !== page.unlisted.length || unlisted.some((id) => entryIds.has(id))) {
    throw new VaultError('internal', 'an unlisted key twice or with an entry');
  }
  const tombstones = [...page.tombstones].sort((a, b) => ascending(a.id, b.id));
  tombstones.forEach((tombstone, i) => {
    if (tombstones[i - 1]?.id === tombstone.id || entryIds.has(tombstone.id)) {
      throw new VaultError('internal', 'a tombstone twice or next to an entry');
    }
  });
  const optionalCount = (count: number | undefined): Uint8Array =>
    varint(count === undefined ? 0 : count + 1, COUNT_MAX + 1);
  const encodeEntry = (entry: IndexEntry): Uint8Array =>
    concat(
      idToBytes(entry.id),
      Uint8Array.of(categoryCode(entry.category), LEVELS.indexOf(entry.level)),
      textBytes(entry.date, DATE_BYTES),
      textBytes(entry.title, LIMITS.titleBytes),
      varint(nameIndex.get(entry.author) ?? 0),
      varint(nameIndex.get(entry.organisation) ?? 0),
      varint(entry.created.by),
      varint(entry.created.at, U53_MAX),
      varint(entry.changed.by),
      varint(entry.changed.at, U53_MAX),
      optionalCount(entry.abnormal),
      optionalCount(entry.files),
    );
  return concat(
    varint(page.src, U53_MAX),
    list(names.map((name) => textBytes(name, NAME_BYTES))),
    list(entries.map(encodeEntry)),
    list(unlisted.map(idToBytes)),
    list(tombstones.map((t) => concat(idToBytes(t.id), varint(t.by), varint(t.at, U53_MAX)))),
  );
}

export function decodeCataloguePage(bytes: Uint8Array): CataloguePage {
  return decodeStrictly(WHAT, bytes, (reader) => {
    const src = reader.varint(U53_MAX);
    const names = readSortedStrings(reader, NAME_BYTES);
    const used = new Uint8Array(names.length);
    const name = (): string => {
      const index = reader.varint();
      const found = names[index];
      if (found === undefined) throw invalid(WHAT, 'a name index out of range');
      used[index] = 1;
      return found;
    };
    const ids = new Set<string>();
    const entryCount = readCount(reader, WHAT, MAX_KEYS, MIN_ENTRY_BYTES);
    const entries: IndexEntry[] = [];
    for (let i = 0; i < entryCount; i++) {
      const entry = readEntry(reader, name);
      const previous = entries[entries.length - 1];
      if (previous !== undefined && compareOverview(previous, entry) >= 0) {
        throw invalid(WHAT, 'entries out of order');
      }
      if (ids.has(entry.id)) throw invalid(WHAT, 'an entry twice');
      ids.add(entry.id);
      entries.push(entry);
    }
    if (used.includes(0)) throw invalid(WHAT, 'a name no entry uses');
    const unlisted = readAscendingIds(reader, () => undefined).map(({ id }) => id);
    for (const id of unlisted) if (ids.has(id)) throw invalid(WHAT, 'an unlisted key that has an entry');
    const tombstones = readAscendingIds(reader, () => ({ by: reader.varint(), at: reader.varint(U53_MAX) })).map(
      ({ id, extra }) => ({ id, by: extra.by, at: extra.at }),
    );
    for (const { id } of tombstones) if (ids.has(id)) throw invalid(WHAT, 'an entry with a tombstone');
    return { src, entries, unlisted, tombstones };
  });
}

function readSortedStrings(reader: ByteReader, maxBytes: number): string[] {
  const count = readCount(reader, WHAT, 2 * MAX_KEYS, 1);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const text = readText(reader, WHAT, maxBytes);
    const previous = out[out.length - 1];
    if (previous !== undefined && !(previous < text)) throw invalid(WHAT, 'names not sorted and unique');
    out.push(text);
  }
  return out;
}

function readAscendingIds<T>(reader: ByteReader, extra: () => T): { id: string; extra: T }[] {
  const count = readCount(reader, WHAT, MAX_KEYS, ID_BYTES);
  const out: { id: string; extra: T }[] = [];
  for (let i = 0; i < count; i++) {
    const id = readId(reader);
    const previous = out[out.length - 1];
    if (previous !== undefined && !(previous.id < id)) throw invalid(WHAT, 'ids not sorted and unique');
    out.push({ id, extra: extra() });
  }
  return out;
}

function readEntry(reader: ByteReader, name: () => string): IndexEntry {
  const id = readId(reader);
  const category = CATEGORIES[reader.u8() - 1];
  if (category === undefined) throw invalid(WHAT, 'an unknown category code');
  const level = LEVELS[reader.u8()];
  if (level === undefined) throw invalid(WHAT, 'an unknown level');
  const date = readText(reader, WHAT, DATE_BYTES);
  const title = readText(reader, WHAT, LIMITS.titleBytes);
  const author = name();
  const organisation = name();
  const created = { by: reader.varint(), at: reader.varint(U53_MAX) };
  const changed = { by: reader.varint(), at: reader.varint(U53_MAX) };
  const abnormal = reader.varint(COUNT_MAX + 1);
  const files = reader.varint(COUNT_MAX + 1);
  if (!isCalendarDate(date)) throw invalid(WHAT, 'a date that is not a calendar date');
  const entry: IndexEntry = { id, category, title, date, level, author, organisation, created, changed };
  if (abnormal !== 0) entry.abnormal = abnormal - 1;
  if (files !== 0) entry.files = files - 1;
  return entry;
}

const DATE_FORM = /^\d{4}-\d{2}-\d{2}$/;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD` naming a day of the proleptic Gregorian calendar: what the schema's `IsoDate` accepts. */
export function isCalendarDate(text: string): boolean {
  if (!DATE_FORM.test(text)) return false;
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : MONTH_DAYS[month - 1];
  return days !== undefined && day >= 1 && day <= days;
}
