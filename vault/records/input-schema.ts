import * as v from 'valibot';
import { LIMITS } from './limits.ts';
import { Category, IsoDate, Level, ObservationFlag } from './record-schema.ts';

/**
 * What callers may pass in. Unlike the read schemas, these refuse over-long values (`invalid_input`) instead
 * of clamping them: the person typing should be told, not silently cut.
 */

const text = (maxBytes: number) => v.pipe(v.string(), v.maxBytes(maxBytes));
const chars = (maxChars: number) => v.pipe(v.string(), v.maxLength(maxChars));
const Tag = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(LIMITS.tagChars));
const Tags = v.pipe(
  v.array(Tag),
  v.transform((tags) => [...new Set(tags)]),
  v.maxLength(LIMITS.tags),
);
const FiniteNumber = v.pipe(v.number(), v.finite());

export const ObservationInput = v.strictObject({
  name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(LIMITS.observationNameChars)),
  value: chars(LIMITS.observationValueChars),
  unit: v.optional(chars(LIMITS.observationUnitChars)),
  low: v.optional(FiniteNumber),
  high: v.optional(FiniteNumber),
  rangeText: v.optional(chars(LIMITS.observationRangeTextChars)),
  flag: v.optional(ObservationFlag),
});
export type ObservationInput = v.InferOutput<typeof ObservationInput>;

/** A change to an observation: `null` clears an optional field. */
export const ObservationPatch = v.strictObject({
  name: v.optional(ObservationInput.entries.name),
  value: v.optional(ObservationInput.entries.value),
  unit: v.nullish(chars(LIMITS.observationUnitChars)),
  low: v.nullish(FiniteNumber),
  high: v.nullish(FiniteNumber),
  rangeText: v.nullish(chars(LIMITS.observationRangeTextChars)),
  flag: v.nullish(ObservationFlag),
});
export type ObservationPatch = v.InferOutput<typeof ObservationPatch>;

export const AttachmentInput = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1), v.maxBytes(LIMITS.fileNameBytes)),
  mediaType: v.pipe(
    v.string(),
    v.regex(/^[\w.+-]+\/[\w.+-]+$/, 'not a media type'),
    v.maxLength(LIMITS.mediaTypeChars),
  ),
  size: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(LIMITS.attachmentBytes)),
  blobId: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'not a 32-byte hex blob id'))),
});
export type AttachmentInput = v.InferOutput<typeof AttachmentInput>;

export const RecordInput = v.strictObject({
  category: Category,
  title: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxBytes(LIMITS.titleBytes)),
  date: IsoDate,
  author: v.optional(text(LIMITS.authorBytes), ''),
  organisation: v.optional(text(LIMITS.organisationBytes), ''),
  level: v.optional(Level, 'normal'),
  tags: v.optional(Tags, []),
  note: v.optional(chars(LIMITS.noteChars), ''),
  observations: v.optional(v.pipe(v.array(ObservationInput), v.maxLength(LIMITS.observations)), []),
});
export type RecordInput = v.InferInput<typeof RecordInput>;

/** The metadata fields `update` may change; the note, observations and attachments have their own calls. */
export const RecordPatch = v.strictObject({
  category: v.optional(Category),
  title: v.optional(RecordInput.entries.title),
  date: v.optional(IsoDate),
  author: v.optional(text(LIMITS.authorBytes)),
  organisation: v.optional(text(LIMITS.organisationBytes)),
  level: v.optional(Level),
  tags: v.optional(Tags),
});
export type RecordPatch = v.InferOutput<typeof RecordPatch>;
