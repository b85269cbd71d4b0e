import * as v from 'valibot';
import { clampChars, clampUtf8, LIMITS } from './limits.ts';

/**
 * The plain shapes the facade hands out, as valibot schemas with their types of the same name. These schemas
 * parse everything read out of a Y.Doc: a document rebuilt from stored or received updates may hold anything,
 * so types are checked, strings are clamped to their limits, and a wrong type is an `invalid_doc` error.
 */

/** Record categories (docs/PROTOCOL.md §22.7 gives the numeric codes used in binary encodings). */
export const CATEGORIES = [
  'lab-result',
  'medical-report',
  'imaging-result',
  'patient-summary',
  'hospital-report',
  'prescription',
  'vaccination',
  'personal-space',
  'other',
] as const;
export const Category = v.picklist(CATEGORIES);
export type Category = v.InferOutput<typeof Category>;

/** §22.7 codes: 1 laboratory result … 9 other. */
export function categoryCode(category: Category): number {
  return CATEGORIES.indexOf(category) + 1;
}

/** Confidentiality levels (product brief; §22.7 codes 0, 1, 2). */
export const LEVELS = ['normal', 'restricted', 'secret'] as const;
export const Level = v.picklist(LEVELS);
export type Level = v.InferOutput<typeof Level>;

export const OBSERVATION_FLAGS = ['low', 'high', 'normal', 'abnormal'] as const;
export const ObservationFlag = v.picklist(OBSERVATION_FLAGS);
export type ObservationFlag = v.InferOutput<typeof ObservationFlag>;

/** Who set a flag: derived from value and range (`auto`), or chosen by a person (`manual`). */
export const FLAG_SOURCES = ['auto', 'manual'] as const;
export const FlagSource = v.picklist(FLAG_SOURCES);
export type FlagSource = v.InferOutput<typeof FlagSource>;

/** Fields whose last change is recorded per field (the `attribution` map of a record document). */
export const TRACKED_FIELDS = [
  'category',
  'title',
  'date',
  'author',
  'organisation',
  'level',
  'tags',
  'note',
  'observations',
  'attachments',
] as const;
export const TrackedField = v.picklist(TRACKED_FIELDS);
export type TrackedField = v.InferOutput<typeof TrackedField>;

/** A calendar date `YYYY-MM-DD` that exists (2024-02-30 does not). */
export const IsoDate = v.pipe(
  v.string(),
  v.isoDate(),
  v.check((text) => {
    const parsed = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text;
  }, 'not a calendar date'),
);

/** A membership index (docs/PROTOCOL.md §3): who, as the relay and the signatures know them. */
export const AuthorIndex = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffff_ffff));
/** Seconds since the Unix epoch. */
export const Seconds = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));

/** Who changed something, and when. */
export const Stamp = v.object({ by: AuthorIndex, at: Seconds });
export type Stamp = v.InferOutput<typeof Stamp>;

/** 16 random bytes as lowercase hex. */
export const Id = v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/, 'not a 32-hex-digit id'));

const clampedBytes = (max: number) =>
  v.pipe(
    v.string(),
    v.transform((text) => clampUtf8(text, max)),
  );
const clampedChars = (max: number) =>
  v.pipe(
    v.string(),
    v.transform((text) => clampChars(text, max)),
  );
const FiniteNumber = v.pipe(v.number(), v.finite());
const Count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffff));

export const Observation = v.object({
  id: Id,
  name: clampedChars(LIMITS.observationNameChars),
  value: clampedChars(LIMITS.observationValueChars),
  unit: v.optional(clampedChars(LIMITS.observationUnitChars)),
  low: v.optional(FiniteNumber),
  high: v.optional(FiniteNumber),
  rangeText: v.optional(clampedChars(LIMITS.observationRangeTextChars)),
  /**
   * The flag to show: a person's, or the one value and range derive (absent when the value is not a number or
   * there is no usable range). `flagSource` says which; it is present exactly when `flag` is.
   */
  flag: v.optional(ObservationFlag),
  flagSource: v.optional(FlagSource),
  created: Stamp,
  changed: Stamp,
});
export type Observation = v.InferOutput<typeof Observation>;

/** Attachment metadata. The file key (§9: `key`, A_f) is deliberately absent: the UI never sees keys. */
export const AttachmentMeta = v.object({
  fileId: Id,
  name: clampedBytes(LIMITS.fileNameBytes),
  mediaType: clampedChars(LIMITS.mediaTypeChars),
  size: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(LIMITS.attachmentBytes)),
  /** `H(D("carnet/v1/blob-id") ‖ blob)` as hex once the encrypted blob is written; empty until then. */
  blobId: v.union([v.literal(''), v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/))]),
  created: Stamp,
});
export type AttachmentMeta = v.InferOutput<typeof AttachmentMeta>;

export const RecordData = v.object({
  id: Id,
  category: Category,
  title: clampedBytes(LIMITS.titleBytes),
  date: IsoDate,
  author: clampedBytes(LIMITS.authorBytes),
  organisation: clampedBytes(LIMITS.organisationBytes),
  level: Level,
  tags: v.pipe(
    v.array(clampedChars(LIMITS.tagChars)),
    v.transform((tags) => [...new Set(tags)].slice(0, LIMITS.tags)),
  ),
  note: clampedChars(LIMITS.noteChars),
  // Lists are cut, not refused: two replicas each under a limit can merge into a list over it.
  observations: v.pipe(
    v.array(Observation),
    v.transform((list) => list.slice(0, LIMITS.observations)),
  ),
  attachments: v.pipe(
    v.array(AttachmentMeta),
    v.transform((list) => list.slice(0, LIMITS.attachments)),
  ),
  created: Stamp,
  changed: Stamp,
  /** The last change of each tracked field; fields never changed since creation may be absent. */
  fieldChanges: v.record(TrackedField, v.optional(Stamp)),
});
export type RecordData = v.InferOutput<typeof RecordData>;

/**
 * One line of the vault index: what the overview and the timeline need without opening the record.
 * Deleted records have no entry, only a tombstone (see index-doc.ts).
 */
export const IndexEntry = v.object({
  id: Id,
  category: Category,
  title: clampedBytes(LIMITS.titleBytes),
  date: IsoDate,
  level: Level,
  author: clampedBytes(LIMITS.authorBytes),
  organisation: clampedBytes(LIMITS.organisationBytes),
  created: Stamp,
  changed: Stamp,
  /**
   * Observations whose flag (derived or a person's) is not normal, and attachments. Absent in entries written
   * before they existed: unknown, so the overview shows nothing rather than a wrong zero.
   */
  abnormal: v.optional(Count),
  files: v.optional(Count),
});
export type IndexEntry = v.InferOutput<typeof IndexEntry>;
