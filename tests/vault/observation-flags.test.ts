import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createRecordsModel, type ObservationFlag, type RecordsModel } from '#vault';
import { manualClock, seededRandom } from './support.ts';

function model(seed = 1): RecordsModel {
  return createRecordsModel({ clock: manualClock(Date.UTC(2026, 2, 5)), random: seededRandom(seed), author: 1 });
}

function labWith(sut: RecordsModel, observation: Parameters<RecordsModel['addObservation']>[1]) {
  const record = sut.create({
    category: 'lab-result',
    title: 'Lipids',
    date: '2026-03-05',
    observations: [observation],
  });
  const [first] = record.observations;
  if (first === undefined) throw new Error('no observation stored');
  return { id: record.id, observationId: first.id, first };
}

/**
 * Rewrites the observation's stored flag as a device running the code before flag sources did: a fixed `flag`
 * and no `flagSource`. Delivered as an update, the way such a record arrives from the store or another device.
 */
function storeLegacyFlag(sut: RecordsModel, id: string, flag: ObservationFlag): void {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, sut.exportUpdate(id));
  const before = Y.encodeStateVector(doc);
  const map = doc.getArray('observations').get(0) as Y.Map<unknown>;
  map.set('flag', flag);
  map.delete('flagSource');
  sut.applyUpdate(id, Y.encodeStateAsUpdate(doc, before));
}

describe('observation flags', () => {
  it('derives the automatic flag again after the value is edited (LDL 1.72 High, then 1.45 Normal, "abc" none)', () => {
    const sut = model();
    const { id, observationId, first } = labWith(sut, { name: 'LDL', value: '1.72', unit: 'g/L', low: 0, high: 1.6 });
    expect([first.flag, first.flagSource]).toEqual(['high', 'auto']);
    const edited = sut.updateObservation(id, observationId, { value: '1.45' });
    expect([edited.flag, edited.flagSource]).toEqual(['normal', 'auto']);
    const text = sut.updateObservation(id, observationId, { value: 'abc' });
    expect(text.flag).toBeUndefined();
    expect(text.flagSource).toBeUndefined();
    const raised = sut.updateObservation(id, observationId, { value: '0,55', low: 1, high: null });
    expect(raised.flag).toBe('low');
  });

  it('keeps a flag a person set, marked as theirs, through value edits, also on a non-numeric value', () => {
    const sut = model();
    const { id, observationId, first } = labWith(sut, { name: 'Antigen', value: 'Positive', flag: 'abnormal' });
    expect([first.flag, first.flagSource]).toEqual(['abnormal', 'manual']);
    const edited = sut.updateObservation(id, observationId, { value: 'Weakly positive' });
    expect([edited.flag, edited.flagSource]).toEqual(['abnormal', 'manual']);
    const handedBack = sut.updateObservation(id, observationId, { flag: null, value: '3', high: 5 });
    expect([handedBack.flag, handedBack.flagSource]).toEqual(['normal', 'auto']);
  });

  it('derives from a range text when the record has no low/high ("< 5" is open at 5)', () => {
    const sut = model();
    const { id, observationId, first } = labWith(sut, { name: 'CRP', value: '5', rangeText: '< 5' });
    expect(first.flag).toBe('high');
    expect(sut.updateObservation(id, observationId, { value: '4,9' }).flag).toBe('normal');
    expect(sut.updateObservation(id, observationId, { rangeText: 'negative' }).flag).toBeUndefined();
  });

  it('reads a flag stored before flag sources: equal to the derived one is automatic, different is a person’s', () => {
    const sut = model();
    const equal = labWith(sut, { name: 'LDL', value: '1.72', low: 0, high: 1.6 });
    storeLegacyFlag(sut, equal.id, 'high');
    expect(sut.get(equal.id).observations[0]).toMatchObject({ flag: 'high', flagSource: 'auto' });
    // Edited after the upgrade, the old automatic flag follows the new value (the stale-flag bug).
    expect(sut.updateObservation(equal.id, equal.observationId, { value: '1.45' })).toMatchObject({
      flag: 'normal',
      flagSource: 'auto',
    });

    const differs = labWith(sut, { name: 'Glucose', value: '5.1', low: 4, high: 6 });
    storeLegacyFlag(sut, differs.id, 'high');
    expect(sut.get(differs.id).observations[0]).toMatchObject({ flag: 'high', flagSource: 'manual' });
    expect(sut.updateObservation(differs.id, differs.observationId, { value: '5.2' })).toMatchObject({
      flag: 'high',
      flagSource: 'manual',
    });
  });

  it('counts abnormal values and files in the index entry on every write', () => {
    const sut = model();
    const { id, observationId } = labWith(sut, { name: 'LDL', value: '1.72', low: 0, high: 1.6 });
    expect(sut.entry(id)).toMatchObject({ abnormal: 1, files: 0 });
    sut.updateObservation(id, observationId, { value: '1.45' });
    expect(sut.entry(id)).toMatchObject({ abnormal: 0 });
    sut.addObservation(id, { name: 'Antigen', value: 'Positive', flag: 'abnormal' });
    sut.addAttachmentMeta(id, { name: 'report.pdf', mediaType: 'application/pdf', size: 704 });
    expect(sut.entry(id)).toMatchObject({ abnormal: 1, files: 1 });
  });
});
