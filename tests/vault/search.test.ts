import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRecordsModel, type RecordData, type RecordsModel } from '#vault';
import { LONG_TIMEOUT, assertProperty, copyIndex, manualClock, runs, seededRandom } from './support.ts';

function model(seed = 1): RecordsModel {
  return createRecordsModel({ clock: manualClock(), random: seededRandom(seed), author: 0 });
}

const ids = (entries: { id: string }[]) => entries.map((entry) => entry.id).sort();

describe('search', () => {
  it('ignores case and accents, folds ligatures, keeps decimals whole', () => {
    const sut = model();
    const echo = sut.create({ category: 'imaging-result', title: 'Échographie abdominale', date: '2024-01-01' });
    const swiss = sut.create({
      category: 'hospital-report',
      title: 'Sortie',
      date: '2024-01-02',
      organisation: 'Universitätsspital Zürich',
      note: 'Œdème résolu, Straße 4',
    });
    const lab = sut.create({
      category: 'lab-result',
      title: 'Bilan',
      date: '2024-01-03',
      observations: [{ name: 'Potassium', value: '5,4' }],
    });
    expect(ids(sut.search('ECHO'))).toEqual([echo.id]);
    expect(ids(sut.search('échographie'))).toEqual([echo.id]);
    expect(ids(sut.search('zurich'))).toEqual([swiss.id]);
    expect(ids(sut.search('oedeme strasse'))).toEqual([swiss.id]);
    expect(ids(sut.search('5.4'))).toEqual([lab.id]);
    expect(ids(sut.search('potassium 5,4'))).toEqual([lab.id]);
    expect(sut.search('potassium 6')).toEqual([]);
    expect(sut.search('  ')).toHaveLength(3);
    expect(ids(sut.search('bilan', { categories: ['imaging-result'] }))).toEqual([]);
  });

  it('cuts words at 64 UTF-16 units on both sides, as the persisted index does (§18.7)', () => {
    const sut = model();
    const long = sut.create({ category: 'other', title: 'Note', date: '2024-01-01', note: `${'a'.repeat(100)}b` });
    const other = sut.create({ category: 'other', title: 'Autre', date: '2024-01-01', note: 'a'.repeat(63) });
    expect(ids(sut.search(`${'a'.repeat(100)}b`))).toEqual([long.id]);
    // Past the 64th unit nothing is compared: a query that differs only there finds the same record.
    expect(ids(sut.search(`${'a'.repeat(64)}zzz`))).toEqual([long.id]);
    expect(ids(sut.search('a'.repeat(63)))).toEqual(ids([long, other]));
  });

  it('prepares search in slices; a query before the end still sees every record, an edit made meanwhile wins', () => {
    const sut = model();
    const made = ['Alpha', 'Beta', 'Gamma', 'Delta'].map((title, i) =>
      sut.create({ category: 'medical-report', title: `${title} report`, date: `2024-01-0${String(i + 1)}` }),
    );
    expect(sut.prepareSearch(1)).toBe(3);
    expect(sut.prepareSearch(2)).toBe(1);
    const [, , gamma, delta] = made;
    if (gamma === undefined || delta === undefined) throw new Error('four records');
    sut.update(delta.id, { title: 'Epsilon report' });
    expect(ids(sut.search('gamma'))).toEqual([gamma.id]);
    expect(ids(sut.search('epsilon'))).toEqual([delta.id]);
    expect(sut.search('delta')).toEqual([]);
    expect(ids(sut.search('report'))).toEqual(ids(made));
    expect(sut.prepareSearch(10)).toBe(0);
  });

  it('follows edits, new observations, attachments and deletions incrementally', () => {
    const sut = model(2);
    const { id } = sut.create({ category: 'other', title: 'Ancien titre', date: '2024-01-01' });
    sut.update(id, { title: 'Nouveau', tags: ['allergie'] });
    expect(sut.search('ancien')).toEqual([]);
    expect(ids(sut.search('nouv allerg'))).toEqual([id]);
    sut.setNote(id, 'pollen de bouleau');
    expect(ids(sut.search('bouleau'))).toEqual([id]);
    sut.addObservation(id, { name: 'IgE', value: '350' });
    expect(ids(sut.search('ige 350'))).toEqual([id]);
    sut.addAttachmentMeta(id, { name: 'prick-test.pdf', mediaType: 'application/pdf', size: 1 });
    expect(ids(sut.search('prick'))).toEqual([id]);
    sut.setNote(id, '');
    expect(sut.search('bouleau')).toEqual([]);
    sut.remove(id);
    expect(sut.search('nouveau')).toEqual([]);
  });

  it('finds records that arrived as updates from another device', () => {
    const a = model(3);
    const b = model(4);
    const { id } = a.create({ category: 'prescription', title: 'Amoxicilline', date: '2024-02-02' });
    b.applyUpdate(id, a.exportUpdate(id));
    copyIndex(a, b);
    expect(ids(b.search('amoxi'))).toEqual([id]);
  });

  it(
    'returns the known answer over a generated corpus, before and after random edits',
    () => {
      const vocabulary = [
        'fer',
        'ferritine',
        'Hémoglobine',
        'crp',
        'genou',
        'échographie',
        'sang',
        'b12',
        '13.2',
        'vitamine',
      ];
      const fold = (text: string) =>
        text
          .normalize('NFD')
          .replace(/[\u0300-\u036f]/g, '')
          .toLowerCase();
      const tokensOf = (record: RecordData) =>
        [
          record.title,
          record.note,
          record.author,
          record.organisation,
          ...record.tags,
          ...record.observations.flatMap((item) => [item.name, item.value]),
          ...record.attachments.map((item) => item.name),
        ]
          .flatMap((text) => fold(text).split(/[^a-z0-9.]+/))
          .filter((token) => token !== '');
      const words = fc.array(fc.constantFrom(...vocabulary), { maxLength: 3 }).map((list) => list.join(' '));
      const recordArb = fc.record({
        title: fc.constantFrom(...vocabulary),
        note: words,
        tags: fc.array(fc.constantFrom('genou', 'sang', 'suivi'), { maxLength: 2 }),
        observation: fc.option(
          fc.record({ name: fc.constantFrom(...vocabulary), value: fc.constantFrom('13.2', '7', 'neg') }),
        ),
      });
      const queryArb = fc
        .array(
          fc.constantFrom(...vocabulary).chain((word) => fc.nat(word.length - 1).map((cut) => word.slice(0, cut + 1))),
          { minLength: 1, maxLength: 2 },
        )
        .map((parts) => parts.join(' '));
      assertProperty(
        fc.property(
          fc.array(recordArb, { minLength: 1, maxLength: 40 }),
          fc.array(queryArb, { minLength: 1, maxLength: 5 }),
          fc.array(fc.tuple(fc.nat(), words), { maxLength: 10 }),
          (corpus, queries, edits) => {
            const sut = model(5);
            const created = corpus.map((item) =>
              sut.create({
                category: 'lab-result',
                title: item.title,
                date: '2024-01-01',
                note: item.note,
                tags: item.tags,
                observations: item.observation === null ? [] : [item.observation],
              }),
            );
            const check = () => {
              for (const query of queries) {
                const wanted = fold(query)
                  .split(/[^a-z0-9.]+/)
                  .filter((token) => token !== '');
                const expected = sut
                  .list()
                  .filter((entry) => {
                    const tokens = tokensOf(sut.get(entry.id));
                    return wanted.every((part) => tokens.some((token) => token.startsWith(part)));
                  })
                  .map((entry) => entry.id);
                expect(sut.search(query).map((entry) => entry.id)).toEqual(expected);
              }
            };
            check();
            for (const [which, note] of edits) {
              const target = created[which % created.length];
              if (target === undefined) continue;
              if (sut.removed(target.id) !== undefined) continue;
              if (which % 5 === 0) sut.remove(target.id);
              else sut.setNote(target.id, note);
            }
            check();
          },
        ),
        runs(40, 400),
      );
    },
    LONG_TIMEOUT,
  );
});
