import * as v from 'valibot';
import * as Y from 'yjs';
import { IndexEntry, type RecordData, type Stamp } from './record-schema.ts';
import { VaultError } from './vault-error.ts';

/**
 * The vault index document: one root Y.Map `records`, record id -> Y.Map with `category`, `title`, `date`,
 * `level`, `author`, `organisation`, `createdBy`, `createdAt`, `changedBy`, `changedAt`, `deleted`.
 * The overview and the timeline read only this document. Other keys in an entry (the record root R_r, added by
 * the encrypted store, docs/PROTOCOL.md §4) are left alone by this module.
 *
 * The entry is a cache of its record: any device that holds the record repairs a stale entry, so once record
 * updates have reached every device, every index converges to the records (see `entryFromRecord`).
 */
export function indexRecords(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('records');
}

export function newIndexDoc(clientId: number): Y.Doc {
  const doc = new Y.Doc({ gc: true });
  doc.clientID = clientId;
  indexRecords(doc);
  return doc;
}

/** The index entry a record implies. */
export function entryFromRecord(record: RecordData): IndexEntry {
  return {
    id: record.id,
    category: record.category,
    title: record.title,
    date: record.date,
    level: record.level,
    author: record.author,
    organisation: record.organisation,
    created: record.created,
    changed: record.changed,
    deleted: false,
  };
}

/** Reads one entry. Throws `invalid_doc` when it is missing fields or holds wrong types. */
export function readIndexEntry(doc: Y.Doc, id: string): IndexEntry | undefined {
  const item = indexRecords(doc).get(id);
  if (item === undefined) return undefined;
  const map = item instanceof Y.Map ? (item as Y.Map<unknown>) : undefined;
  const get = (key: string): unknown => map?.get(key);
  const shape = {
    id,
    category: get('category'),
    title: get('title'),
    date: get('date'),
    level: get('level'),
    author: get('author'),
    organisation: get('organisation'),
    created: { by: get('createdBy'), at: get('createdAt') },
    changed: { by: get('changedBy'), at: get('changedAt') },
    deleted: get('deleted'),
  };
  const result = v.safeParse(IndexEntry, shape);
  if (!result.success) {
    throw new VaultError('invalid_doc', `index entry ${id}: ${v.summarize(result.issues)}`, {
      cause: v.flatten(result.issues),
    });
  }
  const entry = result.output;
  // A repair racing the deletion may have written a title back; a tombstone never shows one.
  return entry.deleted ? { ...entry, title: '', author: '', organisation: '' } : entry;
}

const sameStamp = (a: Stamp, b: Stamp) => a.by === b.by && a.at === b.at;

/** True when the stored entry already says what `entry` says. */
export function sameEntry(a: IndexEntry, b: IndexEntry): boolean {
  return (
    a.category === b.category &&
    a.title === b.title &&
    a.date === b.date &&
    a.level === b.level &&
    a.author === b.author &&
    a.organisation === b.organisation &&
    sameStamp(a.created, b.created) &&
    sameStamp(a.changed, b.changed) &&
    a.deleted === b.deleted
  );
}

/**
 * Writes `entry`, field by field and only where it differs, so two devices repairing the same entry to the same
 * values produce no conflicting writes. A missing or malformed entry map is replaced.
 */
export function writeIndexEntry(doc: Y.Doc, entry: IndexEntry): void {
  const records = indexRecords(doc);
  let map = records.get(entry.id);
  if (!(map instanceof Y.Map)) {
    map = new Y.Map<unknown>();
    records.set(entry.id, map);
  }
  const target = map as Y.Map<unknown>;
  const values: [string, unknown][] = [
    ['category', entry.category],
    ['title', entry.title],
    ['date', entry.date],
    ['level', entry.level],
    ['author', entry.author],
    ['organisation', entry.organisation],
    ['createdBy', entry.created.by],
    ['createdAt', entry.created.at],
    ['changedBy', entry.changed.by],
    ['changedAt', entry.changed.at],
    ['deleted', entry.deleted],
  ];
  for (const [key, value] of values) {
    if (target.get(key) !== value) target.set(key, value);
  }
}

/**
 * Marks a record deleted and wipes what the entry said about it. The tombstone is sticky: no repair writes over
 * it, so a concurrent edit on another device cannot bring the record back.
 */
export function tombstoneEntry(previous: IndexEntry, stamp: Stamp): IndexEntry {
  return { ...previous, title: '', author: '', organisation: '', changed: stamp, deleted: true };
}
