import type { Category, Level, RecordData, RecordPatch, RecordsModel } from '#vault';
import { isBlankRow, rowToInput, type ObservationRow } from './observation-row.ts';
import { parseTags } from './parse-tags.ts';

/** What the record form holds when the person saves (web/lib/components/RecordForm.svelte). */
export interface RecordFormValues {
  category: Category;
  title: string;
  date: string;
  author: string;
  organisation: string;
  level: Level;
  /** As typed: comma-separated. */
  tags: string;
  note: string;
  rows: readonly ObservationRow[];
  /** Whether the lab values part is shown (a lab result, or a record that already has values). */
  withObservations: boolean;
}

function keptRows(form: RecordFormValues): ObservationRow[] {
  return form.withObservations ? form.rows.filter((row) => !isBlankRow(row)) : [...form.rows];
}

/**
 * Creates the record the form describes; returns its id.
 *
 * @example createFromForm(vault.records, { category: 'lab-result', title: 'Blood count', … })
 */
export function createFromForm(records: RecordsModel, form: RecordFormValues): string {
  return records.create({
    category: form.category,
    title: form.title.trim(),
    date: form.date,
    author: form.author.trim(),
    organisation: form.organisation.trim(),
    level: form.level,
    tags: parseTags(form.tags),
    note: form.note,
    observations: form.withObservations ? keptRows(form).map(rowToInput) : [],
  }).id;
}

function metadataPatch(current: RecordData, form: RecordFormValues): RecordPatch {
  const tags = parseTags(form.tags);
  const patch: RecordPatch = {};
  if (current.category !== form.category) patch.category = form.category;
  if (current.title !== form.title.trim()) patch.title = form.title.trim();
  if (current.date !== form.date) patch.date = form.date;
  if (current.author !== form.author.trim()) patch.author = form.author.trim();
  if (current.organisation !== form.organisation.trim()) patch.organisation = form.organisation.trim();
  if (current.level !== form.level) patch.level = form.level;
  if (current.tags.join('\u0000') !== tags.join('\u0000')) patch.tags = tags;
  return patch;
}

/**
 * Applies the form to an existing record with the smallest set of edits (so concurrent edits elsewhere of
 * fields left alone survive the merge): changed metadata, the note, then each lab value added, changed or
 * removed.
 */
export function saveFormChanges(records: RecordsModel, current: RecordData, form: RecordFormValues): void {
  const patch = metadataPatch(current, form);
  if (Object.keys(patch).length > 0) records.update(current.id, patch);
  if (current.note !== form.note) records.setNote(current.id, form.note);
  const kept = keptRows(form);
  const keptIds = new Set(kept.map((row) => row.id));
  for (const observation of current.observations) {
    if (!keptIds.has(observation.id)) records.removeObservation(current.id, observation.id);
  }
  for (const row of kept) {
    const input = rowToInput(row);
    if (row.id === undefined) {
      records.addObservation(current.id, input);
      continue;
    }
    const before = current.observations.find((observation) => observation.id === row.id);
    const same =
      before !== undefined &&
      before.name === input.name &&
      before.value === input.value &&
      before.unit === input.unit &&
      before.low === input.low &&
      before.high === input.high &&
      before.rangeText === input.rangeText &&
      (before.flagSource === 'manual' ? before.flag : undefined) === input.flag;
    if (!same) {
      records.updateObservation(current.id, row.id, {
        name: input.name,
        value: input.value,
        unit: input.unit ?? null,
        low: input.low ?? null,
        high: input.high ?? null,
        rangeText: input.rangeText ?? null,
        flag: input.flag ?? null,
      });
    }
  }
}
