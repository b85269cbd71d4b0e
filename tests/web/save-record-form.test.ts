import { describe, expect, it } from 'vitest';
import { createRecordsModel, systemClock, systemRandom } from '#vault';
import { emptyRow, rowFromObservation, type ObservationRow } from '../../web/lib/records/observation-row.ts';
import { createFromForm, saveFormChanges, type RecordFormValues } from '../../web/lib/records/save-record-form.ts';

const row = (fields: Partial<ObservationRow>): ObservationRow => ({ ...emptyRow(), ...fields });

function form(fields: Partial<RecordFormValues> = {}): RecordFormValues {
  return {
    category: 'lab-result',
    title: ' Blood count ',
    date: '2026-03-05',
    author: 'Dr Anne Martin',
    organisation: '',
    level: 'normal',
    tags: 'check-up, fasting',
    note: 'Fasting.',
    rows: [row({ name: 'Haemoglobin', value: '11.2', unit: 'g/dL', low: '12', high: '16' }), row({})],
    withObservations: true,
    ...fields,
  };
}

describe(createFromForm.name, () => {
  it('creates the record with trimmed fields, tags and the lab values (blank rows dropped, flags filled)', () => {
    const records = createRecordsModel({ clock: systemClock, random: systemRandom, author: 1 });
    const sut = records.get(createFromForm(records, form()));
    expect(sut).toMatchObject({ title: 'Blood count', tags: ['check-up', 'fasting'], note: 'Fasting.' });
    expect(sut.observations.map((o) => [o.name, o.value, o.low, o.high, o.flag])).toEqual([
      ['Haemoglobin', '11.2', 12, 16, 'low'],
    ]);
  });
});

describe(saveFormChanges.name, () => {
  it('changes only what changed: metadata, note, and each lab value added, changed or removed', () => {
    const records = createRecordsModel({ clock: systemClock, random: systemRandom, author: 1 });
    const id = createFromForm(
      records,
      form({ rows: [row({ name: 'Hb', value: '11' }), row({ name: 'Na', value: '140' })] }),
    );
    const before = records.get(id);
    const [hb, na] = before.observations;
    const changes: string[] = [];
    records.onChange(() => changes.push('change'));
    saveFormChanges(
      records,
      before,
      form({
        title: 'Blood count',
        level: 'restricted',
        note: 'Fasting.',
        rows: [row({ id: hb?.id, name: 'Hb', value: '12.5' }), row({ name: 'K', value: '4.1' })],
      }),
    );
    const after = records.get(id);
    expect(after.level).toBe('restricted');
    expect(after.observations.map((o) => [o.name, o.value])).toEqual([
      ['Hb', '12.5'],
      ['K', '4.1'],
    ]);
    expect(after.observations.some((o) => o.id === na?.id)).toBe(false);
    // level, one observation changed, one removed, one added: four edits, the unchanged note untouched.
    expect(changes).toHaveLength(4);
  });

  it('lets an automatic flag follow an edited value (LDL 1.72 High, edited to 1.45: Normal) and keeps a chosen one', () => {
    const records = createRecordsModel({ clock: systemClock, random: systemRandom, author: 1 });
    const rows = [
      row({ name: 'LDL', value: '1.72', unit: 'g/L', low: '0', high: '1.6' }),
      row({ name: 'Antigen', value: 'Positive', flag: 'abnormal' }),
    ];
    const id = createFromForm(records, form({ rows }));
    const before = records.get(id);
    expect(before.observations.map((o) => [o.flag, o.flagSource])).toEqual([
      ['high', 'auto'],
      ['abnormal', 'manual'],
    ]);
    // What the edit form does: load the rows, change one value, save.
    const edited = before.observations.map((o) => rowFromObservation(o, 'en'));
    const [ldl] = edited;
    if (ldl !== undefined) ldl.value = '1.45';
    saveFormChanges(records, before, form({ rows: edited }));
    expect(records.get(id).observations.map((o) => [o.value, o.flag, o.flagSource])).toEqual([
      ['1.45', 'normal', 'auto'],
      ['Positive', 'abnormal', 'manual'],
    ]);
  });
});
