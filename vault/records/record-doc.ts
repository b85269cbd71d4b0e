import * as v from 'valibot';
import * as Y from 'yjs';
import { resolveFlag } from './derive-flag.ts';
import { LIMITS } from './limits.ts';
import { RecordData, TRACKED_FIELDS } from './record-schema.ts';
import { VaultError } from './vault-error.ts';

/**
 * The layout of one record's Y.Doc (root names are part of the stored format; never rename them):
 *
 * - `meta`  Y.Map: `v` (layout version 1), `id`, `category`, `title`, `date`, `author`, `organisation`,
 *   `level`, `createdBy`, `createdAt`, `changedBy`, `changedAt` (membership indexes and seconds, §17.6)
 * - `tags`  Y.Array<string> (a set: concurrent adds merge, duplicates are dropped on read)
 * - `note`  Y.Text
 * - `observations`  Y.Array<Y.Map>: `id`, `name`, `value`, `unit`, `low`, `high`, `rangeText`, `flag`,
 *   `flagSource`, `createdBy`, `createdAt`, `changedBy`, `changedAt`. Only a person's flag is stored (with
 *   `flagSource: 'manual'`); an automatic one is derived on every read (derive-flag.ts), so it follows the value
 *   and range whoever changed them.
 * - `attachments`  Y.Map<fileId, Y.Map>: `fileId`, `blobId`, `size`, `mime`, `name`, `key`, `createdBy`,
 *   `createdAt` (field names from docs/PROTOCOL.md §9)
 * - `attribution`  Y.Map<field, { by, at }>: the last change of each tracked field
 *
 * Attribution lives in the document itself so it survives compaction into a snapshot, where the signatures
 * of the individual updates are gone (docs/PROTOCOL.md §17.6).
 */
export const RECORD_LAYOUT_VERSION = 1;

export interface RecordRoots {
  meta: Y.Map<unknown>;
  tags: Y.Array<unknown>;
  note: Y.Text;
  observations: Y.Array<unknown>;
  attachments: Y.Map<unknown>;
  attribution: Y.Map<unknown>;
}

/**
 * Fixes the type of every root before any update is applied. Yjs decides a root's type on first access, so a
 * hostile update can never turn `note` into a map once this has run on a fresh document.
 */
export function recordRoots(doc: Y.Doc): RecordRoots {
  return {
    meta: doc.getMap('meta'),
    tags: doc.getArray('tags'),
    note: doc.getText('note'),
    observations: doc.getArray('observations'),
    attachments: doc.getMap('attachments'),
    attribution: doc.getMap('attribution'),
  };
}

/**
 * A fresh record document: garbage collection on (deleted content is not kept), a client id we chose, and the
 * record id as guid (without one, Yjs draws a random uuid per document, one crypto call per character: that was
 * most of the cost of loading 10,000 records).
 */
export function newRecordDoc(id: string, clientId: number): Y.Doc {
  const doc = new Y.Doc({ gc: true, guid: id });
  doc.clientID = clientId;
  recordRoots(doc);
  return doc;
}

const stamp = (map: Y.Map<unknown>, prefix: 'created' | 'changed') => ({
  by: map.get(`${prefix}By`),
  at: map.get(`${prefix}At`),
});

/** Optional fields are omitted when absent, so `undefined` never reaches a schema that forbids it. */
function optionalFields(map: Y.Map<unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = map.get(key);
    if (value !== undefined && value !== null) out[key] = value;
  }
  return out;
}

function observationShape(item: unknown): unknown {
  if (!(item instanceof Y.Map)) return null;
  const map = item as Y.Map<unknown>;
  return {
    id: map.get('id'),
    name: map.get('name'),
    value: map.get('value'),
    ...optionalFields(map, ['unit', 'low', 'high', 'rangeText', 'flag']),
    // Only 'manual' means anything; any other value reads as a flag stored before sources existed.
    ...(map.get('flagSource') === 'manual' ? { flagSource: 'manual' } : {}),
    created: stamp(map, 'created'),
    changed: stamp(map, 'changed'),
  };
}

function attachmentShape(item: unknown): unknown {
  if (!(item instanceof Y.Map)) return null;
  const map = item as Y.Map<unknown>;
  return {
    fileId: map.get('fileId'),
    name: map.get('name'),
    mediaType: map.get('mime'),
    size: map.get('size'),
    blobId: map.get('blobId'),
    created: stamp(map, 'created'),
  };
}

/** The untyped plain view of a record document, before validation. Lists are capped before any parsing work. */
export function recordShape(doc: Y.Doc, id: string): Record<string, unknown> {
  const roots = recordRoots(doc);
  const { meta } = roots;
  const fieldChanges: Record<string, unknown> = {};
  for (const field of TRACKED_FIELDS) {
    const value = roots.attribution.get(field);
    if (value !== undefined) fieldChanges[field] = value;
  }
  const attachments = [...roots.attachments.values()].slice(0, LIMITS.attachments * 4).map(attachmentShape);
  return {
    id: meta.get('id') === id ? id : `mismatch:${String(meta.get('id'))}`,
    category: meta.get('category'),
    title: meta.get('title'),
    date: meta.get('date'),
    author: meta.get('author'),
    organisation: meta.get('organisation'),
    level: meta.get('level'),
    tags: roots.tags.slice(0, LIMITS.tags * 4),
    note: roots.note.toJSON(),
    observations: roots.observations.slice(0, LIMITS.observations * 4).map(observationShape),
    attachments,
    created: stamp(meta, 'created'),
    changed: stamp(meta, 'changed'),
    fieldChanges,
  };
}

/**
 * Reads and validates a record document. Any wrong type or missing field is `invalid_doc`, never a crash and
 * never a partly trusted value; over-long strings are clamped by the schema.
 */
export function readRecordDoc(doc: Y.Doc, id: string): RecordData {
  let shape: Record<string, unknown>;
  try {
    shape = recordShape(doc, id);
  } catch (error) {
    throw new VaultError('invalid_doc', `record ${id} cannot be read`, { cause: error });
  }
  const result = v.safeParse(RecordData, shape);
  if (!result.success) {
    throw new VaultError('invalid_doc', `record ${id}: ${v.summarize(result.issues)}`, {
      cause: v.flatten(result.issues),
    });
  }
  const record = result.output;
  record.observations = record.observations.map((observation) => {
    const { flag: _stored, flagSource: _source, ...rest } = observation;
    return { ...rest, ...resolveFlag(observation) };
  });
  // Attachments live in a map, whose iteration order is not the creation order: present them by creation.
  record.attachments.sort((a, b) => a.created.at - b.created.at || (a.fileId < b.fileId ? -1 : 1));
  return record;
}
