import { describe, expect, it } from 'vitest';
import { createRecordsModel, isVaultError, type RecordInput, type RecordsChange, type VaultErrorCode } from '#vault';
import { copyIndex, deliver, manualClock, replica, seededRandom } from './support.ts';

function expectVaultError(run: () => unknown, code: VaultErrorCode): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(isVaultError(caught, code), `expected ${code}, got ${String(caught)}`).toBe(true);
}

const lab: RecordInput = {
  category: 'lab-result',
  title: 'Bilan sanguin',
  date: '2024-03-05',
  author: 'Dr. Müller',
  organisation: 'Laboratoire Ketterthill',
  tags: ['sang', 'annuel'],
  note: 'À jeun depuis 12 h.',
  observations: [{ name: 'Hémoglobine', value: '13.2', unit: 'g/dL', low: 12, high: 16, flag: 'normal' }],
};

describe('createRecordsModel', () => {
  it('creates a record and reads every field back', () => {
    const sut = createRecordsModel({ clock: manualClock(1_700_000_000_000), random: seededRandom(1), author: 3 });
    const created = sut.create(lab);
    expect(created.id).toMatch(/^[0-9a-f]{32}$/);
    expect(sut.get(created.id)).toEqual(created);
    expect(created).toMatchObject({
      category: 'lab-result',
      title: 'Bilan sanguin',
      date: '2024-03-05',
      author: 'Dr. Müller',
      organisation: 'Laboratoire Ketterthill',
      level: 'normal',
      tags: ['sang', 'annuel'],
      note: 'À jeun depuis 12 h.',
      created: { by: 3, at: 1_700_000_000 },
      changed: { by: 3, at: 1_700_000_000 },
      attachments: [],
    });
    expect(created.observations).toHaveLength(1);
    expect(created.observations[0]).toMatchObject({ name: 'Hémoglobine', value: '13.2', unit: 'g/dL', low: 12 });
    expect(sut.entry(created.id)).toMatchObject({ title: 'Bilan sanguin', changed: created.changed });
  });

  it('updates metadata, records who changed which field, and mirrors the change in the index', () => {
    const clock = manualClock(1_700_000_000_000);
    const sut = createRecordsModel({ clock, random: seededRandom(2), author: 1 });
    const { id } = sut.create(lab);
    clock.advance(60_000);
    const updated = sut.update(id, { title: 'Bilan lipidique', level: 'restricted', tags: ['annuel', 'lipides'] });
    expect(updated.title).toBe('Bilan lipidique');
    expect(updated.level).toBe('restricted');
    expect([...updated.tags].sort()).toEqual(['annuel', 'lipides']);
    expect(updated.fieldChanges.title).toEqual({ by: 1, at: 1_700_000_060 });
    expect(updated.fieldChanges.tags).toEqual({ by: 1, at: 1_700_000_060 });
    expect(updated.fieldChanges.note).toBeUndefined();
    expect(updated.created.at).toBe(1_700_000_000);
    expect(updated.changed).toEqual({ by: 1, at: 1_700_000_060 });
    expect(sut.entry(id)).toMatchObject({ title: 'Bilan lipidique', level: 'restricted', changed: updated.changed });
  });

  it('an update that changes nothing emits no update and keeps the attribution', () => {
    const r = replica(3, 0);
    const { id } = r.model.create(lab);
    const before = r.outbox.length;
    r.clock.advance(10_000);
    const same = r.model.update(id, { title: lab.title, tags: ['annuel', 'sang'] });
    expect(r.outbox.length).toBe(before);
    expect(same.changed.at).toBe(r.model.get(id).created.at);
  });

  it('edits the note by replacement and by position', () => {
    const sut = createRecordsModel({ clock: manualClock(), random: seededRandom(4), author: 0 });
    const { id } = sut.create({ category: 'personal-space', title: 'Journal', date: '2024-01-02' });
    expect(sut.setNote(id, 'Douleur au genou 😖 le matin').note).toBe('Douleur au genou 😖 le matin');
    expect(sut.setNote(id, 'Douleur au genou 😣 le soir').note).toBe('Douleur au genou 😣 le soir');
    expect(sut.editNote(id, { index: 0, deleteCount: 7, insert: 'Gêne' }).note).toBe('Gêne au genou 😣 le soir');
    expect(sut.get(id).fieldChanges.note).toBeDefined();
  });

  it('adds, changes and removes lab observations', () => {
    const sut = createRecordsModel({ clock: manualClock(), random: seededRandom(5), author: 2 });
    const { id } = sut.create({ category: 'lab-result', title: 'Ferritine', date: '2024-02-01' });
    const ferritin = sut.addObservation(id, { name: 'Ferritine', value: '8', unit: 'µg/L', low: 15, high: 150 });
    expect(ferritin).toMatchObject({ name: 'Ferritine', value: '8', created: { by: 2 } });
    const flagged = sut.updateObservation(id, ferritin.id, { flag: 'low', unit: null });
    expect(flagged.flag).toBe('low');
    expect(flagged.unit).toBeUndefined();
    sut.addObservation(id, { name: 'CRP', value: '<5', rangeText: '< 5 mg/L' });
    expect(sut.get(id).observations.map((item) => item.name)).toEqual(['Ferritine', 'CRP']);
    sut.removeObservation(id, ferritin.id);
    expect(sut.get(id).observations.map((item) => item.name)).toEqual(['CRP']);
    expectVaultError(() => sut.removeObservation(id, ferritin.id), 'item_not_found');
  });

  it('keeps attachment metadata and never hands out the file key', () => {
    const sut = createRecordsModel({ clock: manualClock(), random: seededRandom(6), author: 0 });
    const { id } = sut.create({ category: 'imaging-result', title: 'IRM genou', date: '2024-04-10' });
    const key = new Uint8Array(32).fill(7);
    const file = sut.addAttachmentMeta(id, { name: 'irm.pdf', mediaType: 'application/pdf', size: 123_456 }, { key });
    expect(file).toMatchObject({ name: 'irm.pdf', mediaType: 'application/pdf', size: 123_456, blobId: '' });
    expect(JSON.stringify(sut.get(id))).not.toContain('"key"');
    sut.removeAttachmentMeta(id, file.fileId);
    expect(sut.get(id).attachments).toEqual([]);
    expectVaultError(
      () => sut.addAttachmentMeta(id, { name: 'x.exe', mediaType: 'not a type', size: 1 }),
      'invalid_input',
    );
  });

  it('refuses invalid input with invalid_input', () => {
    const sut = createRecordsModel({ clock: manualClock(), random: seededRandom(7), author: 0 });
    const base = { category: 'other', title: 'x', date: '2024-01-01' } as const;
    expectVaultError(() => sut.create({ ...base, title: 'é'.repeat(257) }), 'invalid_input'); // 514 bytes
    expectVaultError(() => sut.create({ ...base, date: '2024-02-30' }), 'invalid_input');
    expectVaultError(() => sut.create({ ...base, title: '   ' }), 'invalid_input');
    expectVaultError(() => sut.create({ ...base, category: 'x-ray' } as never), 'invalid_input');
    expectVaultError(() => sut.create({ ...base, extra: 1 } as never), 'invalid_input');
    const { id } = sut.create(base);
    expectVaultError(() => sut.update(id, { level: 'top-secret' } as never), 'invalid_input');
    expectVaultError(() => sut.list({ from: 'yesterday' }), 'invalid_input');
    expect(sut.create({ ...base, title: 'é'.repeat(256) }).title).toHaveLength(256);
  });

  it('deletes a record: not found afterwards, a tombstone in the index, gone from list and search', () => {
    const sut = createRecordsModel({ clock: manualClock(), random: seededRandom(8), author: 0 });
    const { id } = sut.create(lab);
    expect(sut.search('hemoglobine').map((entry) => entry.id)).toEqual([id]);
    sut.remove(id);
    expectVaultError(() => sut.get(id), 'record_deleted');
    expectVaultError(() => sut.update(id, { title: 'again' }), 'record_deleted');
    expectVaultError(() => sut.remove(id), 'record_deleted');
    expect(sut.entry(id)).toBeUndefined();
    expect(sut.removed(id)).toEqual({ by: 0, at: Math.floor(Date.UTC(2024, 0, 1) / 1000) });
    expect(sut.list()).toEqual([]);
    expect(sut.search('hemoglobine')).toEqual([]);
    expectVaultError(() => sut.get('0'.repeat(32)), 'record_not_found');
  });

  it('round-trips through raw updates: another model rebuilt from them holds the same records and index', () => {
    const a = replica(9, 1);
    const first = a.model.create(lab);
    a.model.setNote(first.id, 'Contrôle dans 3 mois');
    const second = a.model.create({ category: 'vaccination', title: 'Tétanos', date: '2023-11-20' });
    a.model.remove(second.id);
    const b = replica(10, 2);
    for (const id of [first.id]) b.model.applyUpdate(id, a.model.exportUpdate(id));
    copyIndex(a.model, b.model);
    expect(b.model.get(first.id)).toEqual(a.model.get(first.id));
    expect(b.model.list()).toEqual(a.model.list());
    expect(b.model.removed(second.id)?.by).toBe(1);
    expect(b.model.entry(second.id)).toBeUndefined();
    // Updates for the deleted record arriving late are ignored, not resurrected.
    b.model.applyUpdate(second.id, new Uint8Array([0, 0]));
    expect(b.model.loadedIds()).toEqual([first.id]);
    // The logged local updates rebuild the same state as the whole-state export.
    const c = replica(11, 3);
    for (const item of a.outbox) deliver(c.model, item);
    expect(c.model.get(first.id)).toEqual(a.model.get(first.id));
    expect(c.model.removed(second.id)?.by).toBe(1);
  });

  it('who changed what and when survives compaction into a snapshot', () => {
    const a = replica(12, 1);
    const { id } = a.model.create(lab);
    const b = replica(13, 4);
    b.model.applyUpdate(id, a.model.exportUpdate(id));
    b.clock.advance(3_600_000);
    b.model.update(id, { organisation: 'CHL' });
    a.model.applyUpdate(id, b.model.exportUpdate(id, a.model.stateVector(id)));
    const snapshot = a.model.encodeSnapshot(id);
    const fresh = replica(14, 5);
    fresh.model.applyUpdate(id, snapshot);
    copyIndex(a.model, fresh.model);
    const record = fresh.model.get(id);
    expect(record.created.by).toBe(1);
    expect(record.fieldChanges.organisation?.by).toBe(4);
    expect(record.fieldChanges.title).toBeUndefined();
    expect(record.changed.by).toBe(4);
    expect(fresh.model.entry(id)?.changed.by).toBe(4);
  });

  it('reports changes to listeners, local and remote', () => {
    const a = replica(15, 0);
    const b = replica(16, 1);
    const seen: RecordsChange[] = [];
    const stop = b.model.onChange((change) => seen.push(change));
    const { id } = a.model.create(lab);
    b.model.applyUpdate(id, a.model.exportUpdate(id));
    expect(seen.at(-1)).toMatchObject({ ids: [id], origin: 'remote', invalid: [] });
    b.model.setNote(id, 'vu');
    expect(seen.at(-1)).toMatchObject({ ids: [id], origin: 'local' });
    stop();
    b.model.setNote(id, 'vu deux fois');
    expect(seen).toHaveLength(2);
  });

  it('refuses every call after destroy', () => {
    const sut = createRecordsModel({ clock: manualClock(), random: seededRandom(17), author: 0 });
    const { id } = sut.create(lab);
    sut.destroy();
    expectVaultError(() => sut.get(id), 'model_destroyed');
    expectVaultError(() => sut.list(), 'model_destroyed');
    expectVaultError(() => sut.applyIndexUpdate(new Uint8Array()), 'model_destroyed');
  });
});
