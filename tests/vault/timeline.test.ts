import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, createRecordsModel, type IndexEntry, type RecordFilter } from '#vault';
import { LONG_TIMEOUT, assertProperty, copyIndex, manualClock, replica, runs, seededRandom } from './support.ts';

describe('timeline', () => {
  it('lists newest date of care first, grouped by month, same-day records by last change', () => {
    const clock = manualClock();
    const sut = createRecordsModel({ clock, random: seededRandom(1), author: 0 });
    const add = (title: string, date: string) => {
      clock.advance(1000);
      return sut.create({ category: 'other', title, date }).id;
    };
    const march1 = add('mars 1', '2024-03-01');
    const jan = add('janvier', '2024-01-15');
    const march31 = add('mars 31', '2024-03-31');
    const dec = add('décembre', '2023-12-31');
    const march1b = add('mars 1 bis', '2024-03-01');
    const months = sut.timeline();
    expect(months.map((month) => month.month)).toEqual(['2024-03', '2024-01', '2023-12']);
    expect(months[0]?.entries.map((entry) => entry.id)).toEqual([march31, march1b, march1]);
    expect(months[1]?.entries.map((entry) => entry.id)).toEqual([jan]);
    expect(months[2]?.entries.map((entry) => entry.id)).toEqual([dec]);
    clock.advance(1000);
    sut.update(march1, { title: 'mars 1, revu' });
    expect(sut.timeline()[0]?.entries.map((entry) => entry.id)).toEqual([march31, march1, march1b]);
  });

  it('filters by category, date range, author (case and accents ignored), creating member and level', () => {
    const a = replica(2, 0);
    const b = replica(3, 5);
    const lab = a.model.create({ category: 'lab-result', title: 'Bilan', date: '2024-02-10', author: 'Dr Lévy' });
    const rx = a.model.create({ category: 'prescription', title: 'Ordonnance', date: '2024-04-01', level: 'secret' });
    const fromB = b.model.create({ category: 'lab-result', title: 'Ferritine', date: '2023-06-01', author: 'dr levy' });
    a.model.applyUpdate(fromB.id, b.model.exportUpdate(fromB.id));
    copyIndex(b.model, a.model);
    const list = (filter: RecordFilter) => a.model.list(filter).map((entry) => entry.id);
    expect(list({ categories: ['lab-result'] })).toEqual([lab.id, fromB.id]);
    expect(list({ from: '2024-01-01' })).toEqual([rx.id, lab.id]);
    expect(list({ from: '2024-02-10', to: '2024-02-10' })).toEqual([lab.id]);
    expect(list({ author: 'DR LEVY' })).toEqual([lab.id, fromB.id]);
    expect(list({ createdBy: 5 })).toEqual([fromB.id]);
    expect(list({ levels: ['secret'] })).toEqual([rx.id]);
    expect(list({ categories: [] })).toEqual([]);
    expect(a.model.authors()).toEqual(['dr levy', 'Dr Lévy']);
  });

  it(
    'agrees with a plain filter-and-sort over the same entries for random records and filters',
    () => {
      const date = fc
        .date({ min: new Date('2019-01-01'), max: new Date('2024-12-31'), noInvalidDate: true })
        .map((value) => value.toISOString().slice(0, 10));
      const recordArb = fc.record({
        category: fc.constantFrom(...CATEGORIES),
        date,
        author: fc.constantFrom('', 'Dr A', 'Dr B'),
        level: fc.constantFrom('normal', 'restricted', 'secret'),
        removed: fc.boolean(),
      });
      const filterArb = fc.record(
        {
          categories: fc.subarray([...CATEGORIES]),
          from: date,
          to: date,
          author: fc.constantFrom('dr a', 'Dr B'),
          levels: fc.subarray(['normal', 'restricted', 'secret'] as const),
        },
        { requiredKeys: [] },
      );
      assertProperty(
        fc.property(fc.array(recordArb, { maxLength: 40 }), filterArb, (records, filter) => {
          const clock = manualClock();
          const sut = createRecordsModel({ clock, random: seededRandom(4), author: 0 });
          for (const { removed, ...item } of records) {
            clock.advance(1000);
            const { id } = sut.create({ ...item, title: 't' });
            if (removed) sut.remove(id);
          }
          const all = sut.list();
          expect(all).toHaveLength(records.filter((item) => !item.removed).length);
          const expected = all
            .filter(
              (entry: IndexEntry) =>
                (filter.categories === undefined || filter.categories.includes(entry.category)) &&
                (filter.levels === undefined || filter.levels.includes(entry.level)) &&
                (filter.from === undefined || entry.date >= filter.from) &&
                (filter.to === undefined || entry.date <= filter.to) &&
                (filter.author === undefined || entry.author.toLowerCase() === filter.author.toLowerCase()),
            )
            .sort((x, y) => (x.date === y.date ? y.changed.at - x.changed.at : x.date < y.date ? 1 : -1));
          const months = sut.timeline(filter);
          expect(months.flatMap((month) => month.entries.map((entry) => entry.id))).toEqual(expected.map((e) => e.id));
          for (const month of months) {
            expect(month.entries.length).toBeGreaterThan(0);
            for (const entry of month.entries) expect(entry.date.startsWith(month.month)).toBe(true);
          }
          expect(new Set(months.map((month) => month.month)).size).toBe(months.length);
        }),
        runs(50, 500),
      );
    },
    LONG_TIMEOUT,
  );
});
