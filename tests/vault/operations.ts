import fc from 'fast-check';
import { isVaultError, type RecordsModel } from '#vault';

/** One random edit of one record, as generated for the convergence and consistency properties. */
export type Operation =
  | { kind: 'title'; title: string }
  | { kind: 'category'; category: 'lab-result' | 'prescription' | 'other' }
  | { kind: 'level'; level: 'normal' | 'restricted' | 'secret' }
  | { kind: 'date'; date: string }
  | { kind: 'tags'; tags: string[] }
  | { kind: 'note'; text: string }
  | { kind: 'noteEdit'; index: number; deleteCount: number; insert: string }
  | { kind: 'addObservation'; name: string; value: string }
  | { kind: 'updateObservation'; which: number; value: string }
  | { kind: 'removeObservation'; which: number }
  | { kind: 'addAttachment'; name: string; size: number }
  | { kind: 'removeAttachment'; which: number };

const word = fc.constantFrom('fer', 'Hémoglobine', 'crp', 'genou', 'ÉCHO', 'sang', 'b12', '5,4', 'Zürich', 'œdème');
const phrase = fc.array(word, { maxLength: 4 }).map((words) => words.join(' '));

export const operation: fc.Arbitrary<Operation> = fc.oneof(
  phrase.filter((text) => text.trim() !== '').map((title) => ({ kind: 'title' as const, title })),
  fc.constantFrom('lab-result', 'prescription', 'other').map((category) => ({ kind: 'category' as const, category })),
  fc.constantFrom('normal', 'restricted', 'secret').map((level) => ({ kind: 'level' as const, level })),
  fc
    .date({ min: new Date('2015-01-01'), max: new Date('2025-12-31'), noInvalidDate: true })
    .map((date) => ({ kind: 'date' as const, date: date.toISOString().slice(0, 10) })),
  fc.array(word, { maxLength: 4 }).map((tags) => ({ kind: 'tags' as const, tags })),
  phrase.map((text) => ({ kind: 'note' as const, text })),
  fc.record({ index: fc.nat(40), deleteCount: fc.nat(6), insert: phrase }).map((edit) => ({
    kind: 'noteEdit' as const,
    ...edit,
  })),
  fc.record({ name: word, value: fc.constantFrom('1', '13.2', '<5', 'positif') }).map((item) => ({
    kind: 'addObservation' as const,
    ...item,
  })),
  fc.record({ which: fc.nat(5), value: fc.constantFrom('2', '7.7', 'négatif') }).map((item) => ({
    kind: 'updateObservation' as const,
    ...item,
  })),
  fc.nat(5).map((which) => ({ kind: 'removeObservation' as const, which })),
  fc.record({ name: fc.constantFrom('scan.pdf', 'photo.jpg'), size: fc.nat(1_000_000) }).map((item) => ({
    kind: 'addAttachment' as const,
    ...item,
  })),
  fc.nat(5).map((which) => ({ kind: 'removeAttachment' as const, which })),
);

/** Applies `op` to record `id`; items are picked by position modulo what the record holds. */
export function applyOperation(model: RecordsModel, id: string, op: Operation): void {
  const record = model.get(id);
  switch (op.kind) {
    case 'title':
      model.update(id, { title: op.title });
      return;
    case 'category':
      model.update(id, { category: op.category });
      return;
    case 'level':
      model.update(id, { level: op.level });
      return;
    case 'date':
      model.update(id, { date: op.date });
      return;
    case 'tags':
      model.update(id, { tags: op.tags });
      return;
    case 'note':
      model.setNote(id, op.text);
      return;
    case 'noteEdit':
      model.editNote(id, { index: op.index, deleteCount: op.deleteCount, insert: op.insert });
      return;
    case 'addObservation':
      model.addObservation(id, { name: op.name, value: op.value });
      return;
    case 'updateObservation': {
      const target = record.observations[op.which % Math.max(1, record.observations.length)];
      if (target !== undefined) model.updateObservation(id, target.id, { value: op.value });
      return;
    }
    case 'removeObservation': {
      const target = record.observations[op.which % Math.max(1, record.observations.length)];
      if (target !== undefined) model.removeObservation(id, target.id);
      return;
    }
    case 'addAttachment':
      model.addAttachmentMeta(id, { name: op.name, mediaType: 'application/pdf', size: op.size });
      return;
    case 'removeAttachment': {
      const target = record.attachments[op.which % Math.max(1, record.attachments.length)];
      if (target !== undefined) model.removeAttachmentMeta(id, target.fileId);
      return;
    }
  }
}

/** Like `applyOperation`, but an edit of a record another replica deleted is expected to be refused. */
export function applyOperationUnlessDeleted(model: RecordsModel, id: string, op: Operation): void {
  try {
    applyOperation(model, id, op);
  } catch (error) {
    if (!isVaultError(error, 'record_deleted')) throw error;
  }
}
