import * as Y from 'yjs';
import { resolveFlag } from './derive-flag.ts';
import type { AttachmentInput, ObservationInput, ObservationPatch, RecordPatch } from './input-schema.ts';
import { RECORD_LAYOUT_VERSION, recordRoots } from './record-doc.ts';
import { OBSERVATION_FLAGS, type Stamp, type TrackedField } from './record-schema.ts';

/**
 * Mutations of one record document. Each runs inside the caller's transaction and records who changed what:
 * the record's `changedBy/changedAt` and the per-field `attribution` entry move together with the change.
 * Values are written only when they differ, so a no-op edit produces no update to encrypt and sync.
 */

export interface NewRecordFields {
  id: string;
  category: string;
  title: string;
  date: string;
  author: string;
  organisation: string;
  level: string;
  tags: readonly string[];
  note: string;
}

function touch(doc: Y.Doc, fields: readonly TrackedField[], stamp: Stamp): void {
  const { meta, attribution } = recordRoots(doc);
  meta.set('changedBy', stamp.by);
  meta.set('changedAt', stamp.at);
  for (const field of fields) attribution.set(field, { by: stamp.by, at: stamp.at });
}

export function writeNewRecord(doc: Y.Doc, fields: NewRecordFields, stamp: Stamp): void {
  const { meta, tags, note } = recordRoots(doc);
  meta.set('v', RECORD_LAYOUT_VERSION);
  meta.set('id', fields.id);
  for (const key of ['category', 'title', 'date', 'author', 'organisation', 'level'] as const) {
    meta.set(key, fields[key]);
  }
  meta.set('createdBy', stamp.by);
  meta.set('createdAt', stamp.at);
  meta.set('changedBy', stamp.by);
  meta.set('changedAt', stamp.at);
  if (fields.tags.length > 0) tags.push([...fields.tags]);
  if (fields.note !== '') note.insert(0, fields.note);
}

/** Applies a metadata patch; returns the fields that actually changed. */
export function writePatch(doc: Y.Doc, patch: RecordPatch, stamp: Stamp): TrackedField[] {
  const { meta } = recordRoots(doc);
  const changed: TrackedField[] = [];
  for (const key of ['category', 'title', 'date', 'author', 'organisation', 'level'] as const) {
    const value = patch[key];
    if (value !== undefined && meta.get(key) !== value) {
      meta.set(key, value);
      changed.push(key);
    }
  }
  if (patch.tags !== undefined && writeTags(doc, patch.tags)) changed.push('tags');
  if (changed.length > 0) touch(doc, changed, stamp);
  return changed;
}

/**
 * Makes the tag array equal to `next` as a set with the fewest operations, so a concurrent tag added on
 * another device survives (replacing the whole array would delete it).
 */
function writeTags(doc: Y.Doc, next: readonly string[]): boolean {
  const { tags } = recordRoots(doc);
  const wanted = new Set(next);
  const seen = new Set<unknown>();
  let changed = false;
  for (let index = tags.length - 1; index >= 0; index--) {
    const tag = tags.get(index);
    if (typeof tag !== 'string' || !wanted.has(tag) || seen.has(tag)) {
      tags.delete(index, 1);
      changed = true;
    } else {
      seen.add(tag);
    }
  }
  const missing = next.filter((tag) => !seen.has(tag));
  if (missing.length > 0) {
    tags.push(missing);
    changed = true;
  }
  return changed;
}

/**
 * Replaces the note with `text` by editing only the span that differs (common prefix and suffix kept), so a
 * concurrent edit elsewhere in the note is preserved. Returns whether anything changed.
 */
export function writeNote(doc: Y.Doc, text: string, stamp: Stamp): boolean {
  const { note } = recordRoots(doc);
  const current = note.toJSON();
  if (current === text) return false;
  let start = 0;
  const shortest = Math.min(current.length, text.length);
  while (start < shortest && current.charCodeAt(start) === text.charCodeAt(start)) start++;
  let end = 0;
  while (
    end < shortest - start &&
    current.charCodeAt(current.length - 1 - end) === text.charCodeAt(text.length - 1 - end)
  ) {
    end++;
  }
  // Never cut a surrogate pair in half: Yjs counts UTF-16 units and would store a lone surrogate.
  if (start > 0 && /[\uD800-\uDBFF]/.test(current.charAt(start - 1))) start--;
  if (end > 0 && /[\uDC00-\uDFFF]/.test(current.charAt(current.length - end))) end--;
  const removed = current.length - start - end;
  if (removed > 0) note.delete(start, removed);
  const inserted = text.slice(start, text.length - end);
  if (inserted !== '') note.insert(start, inserted);
  touch(doc, ['note'], stamp);
  return true;
}

/** A positional note edit (what a text editor binding emits). Offsets are clamped to the note. */
export function writeNoteEdit(doc: Y.Doc, index: number, deleteCount: number, insert: string, stamp: Stamp): void {
  const { note } = recordRoots(doc);
  const at = Math.max(0, Math.min(index, note.length));
  const count = Math.max(0, Math.min(deleteCount, note.length - at));
  if (count === 0 && insert === '') return;
  if (count > 0) note.delete(at, count);
  if (insert !== '') note.insert(at, insert);
  touch(doc, ['note'], stamp);
}

const OPTIONAL_OBSERVATION_KEYS = ['unit', 'low', 'high', 'rangeText', 'flag'] as const;

export function writeNewObservation(doc: Y.Doc, id: string, input: ObservationInput, stamp: Stamp): void {
  const map = new Y.Map<unknown>();
  map.set('id', id);
  map.set('name', input.name);
  map.set('value', input.value);
  for (const key of OPTIONAL_OBSERVATION_KEYS) {
    const value = input[key];
    if (value !== undefined) map.set(key, value);
  }
  // A flag passed in is a person's choice; an automatic one is never stored (derived on read, record-doc.ts).
  if (input.flag !== undefined) map.set('flagSource', 'manual');
  map.set('createdBy', stamp.by);
  map.set('createdAt', stamp.at);
  map.set('changedBy', stamp.by);
  map.set('changedAt', stamp.at);
  recordRoots(doc).observations.push([map]);
  touch(doc, ['observations'], stamp);
}

/** Index of the observation with this id in the array, or -1. */
export function findObservation(doc: Y.Doc, id: string): number {
  const items = recordRoots(doc).observations.toArray();
  return items.findIndex((item) => item instanceof Y.Map && (item as Y.Map<unknown>).get('id') === id);
}

/**
 * Changes an observation. A flag in the patch is a person's (`null` hands it back to the range). A flag stored
 * before flags had a source is settled first, by the rule of `resolveFlag` on the values it was stored with:
 * otherwise a stale automatic flag would outlive the value it was derived from and then read as a person's.
 */
export function writeObservationPatch(doc: Y.Doc, index: number, patch: ObservationPatch, stamp: Stamp): boolean {
  const item = recordRoots(doc).observations.get(index);
  if (!(item instanceof Y.Map)) return false;
  const map = item as Y.Map<unknown>;
  const legacy = legacyFlagSource(map);
  const set = (key: string, value: unknown): boolean => {
    if (value === null) {
      if (!map.has(key)) return false;
      map.delete(key);
      return true;
    }
    if (map.get(key) === value) return false;
    map.set(key, value);
    return true;
  };
  let changed = false;
  for (const key of ['name', 'value', 'unit', 'low', 'high', 'rangeText'] as const) {
    const value = patch[key];
    if (value !== undefined) changed = set(key, value) || changed;
  }
  if (patch.flag !== undefined) {
    changed = set('flag', patch.flag) || changed;
    changed = set('flagSource', patch.flag === null ? null : 'manual') || changed;
  } else if (changed && legacy === 'auto') {
    map.delete('flag');
  } else if (changed && legacy === 'manual') {
    map.set('flagSource', 'manual');
  }
  if (changed) {
    map.set('changedBy', stamp.by);
    map.set('changedAt', stamp.at);
    touch(doc, ['observations'], stamp);
  }
  return changed;
}

/** For a flag stored without a source (before sources existed): whose it counts as. Undefined otherwise. */
function legacyFlagSource(map: Y.Map<unknown>): 'auto' | 'manual' | undefined {
  const flag = OBSERVATION_FLAGS.find((known) => known === map.get('flag'));
  if (map.get('flagSource') === 'manual' || flag === undefined) return undefined;
  const number = (key: string): number | undefined => {
    const value = map.get(key);
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  };
  const value = map.get('value');
  const rangeText = map.get('rangeText');
  const resolved = resolveFlag({
    value: typeof value === 'string' ? value : '',
    low: number('low'),
    high: number('high'),
    rangeText: typeof rangeText === 'string' ? rangeText : undefined,
    flag,
  });
  return resolved.flagSource ?? 'auto';
}

export function deleteObservation(doc: Y.Doc, index: number, stamp: Stamp): void {
  recordRoots(doc).observations.delete(index, 1);
  touch(doc, ['observations'], stamp);
}

/**
 * Adds attachment metadata. `key` is the file key A_f (§9), filled by the attachment store once crypto/ lands;
 * it stays inside the document and is never part of what the facade returns.
 */
export function writeNewAttachment(
  doc: Y.Doc,
  fileId: string,
  input: AttachmentInput,
  key: Uint8Array | undefined,
  stamp: Stamp,
): void {
  const map = new Y.Map<unknown>();
  map.set('fileId', fileId);
  map.set('name', input.name);
  map.set('mime', input.mediaType);
  map.set('size', input.size);
  map.set('blobId', input.blobId ?? '');
  if (key !== undefined) map.set('key', key);
  map.set('createdBy', stamp.by);
  map.set('createdAt', stamp.at);
  recordRoots(doc).attachments.set(fileId, map);
  touch(doc, ['attachments'], stamp);
}

/** The Y.Map of one attachment, or undefined. */
export function attachmentMap(doc: Y.Doc, fileId: string): Y.Map<unknown> | undefined {
  const item = recordRoots(doc).attachments.get(fileId);
  return item instanceof Y.Map ? (item as Y.Map<unknown>) : undefined;
}

export function deleteAttachment(doc: Y.Doc, fileId: string, stamp: Stamp): boolean {
  const { attachments } = recordRoots(doc);
  if (!attachments.has(fileId)) return false;
  attachments.delete(fileId);
  touch(doc, ['attachments'], stamp);
  return true;
}
