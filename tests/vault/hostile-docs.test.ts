import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createRecordsModel, isVaultError, LIMITS, type RecordsChange, type VaultErrorCode } from '#vault';
import { LONG_TIMEOUT, assertProperty, manualClock, runs, seededRandom } from './support.ts';
import { shardHex, TEST_SHARD_PREFIX } from '#vault/records/shard-ids';

const ID = 'ab'.repeat(16);

/** A well-formed record document written with raw Yjs, as a hostile author could, then edited by `tamper`. */
function hostileUpdate(tamper: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc();
  const meta = doc.getMap<unknown>('meta');
  const values: Record<string, unknown> = {
    v: 1,
    id: ID,
    category: 'lab-result',
    title: 'T',
    date: '2024-01-01',
    author: '',
    organisation: '',
    level: 'normal',
    createdBy: 1,
    createdAt: 10,
    changedBy: 1,
    changedAt: 10,
  };
  for (const [key, value] of Object.entries(values)) meta.set(key, value);
  tamper(doc);
  return Y.encodeStateAsUpdate(doc);
}

function load(update: Uint8Array) {
  const model = createRecordsModel({ clock: manualClock(), random: seededRandom(1), author: 0 });
  const changes: RecordsChange[] = [];
  model.onChange((change) => changes.push(change));
  model.applyUpdate(ID, update);
  return { model, changes };
}

function codeOf(run: () => unknown): VaultErrorCode | 'none' {
  try {
    run();
    return 'none';
  } catch (error) {
    if (isVaultError(error)) return error.code;
    throw error;
  }
}

describe('records read from untrusted documents', () => {
  it('accepts the untampered baseline (so the cases below fail for their own reason)', () => {
    const { model } = load(hostileUpdate(() => undefined));
    expect(model.get(ID).title).toBe('T');
  });

  const wrongShapes: [string, (doc: Y.Doc) => void][] = [
    ['a number as title', (doc) => doc.getMap('meta').set('title', 42)],
    ['a Y.Text as title', (doc) => doc.getMap('meta').set('title', new Y.Text('x'))],
    ['a missing date', (doc) => doc.getMap('meta').delete('date')],
    ['an impossible date', (doc) => doc.getMap('meta').set('date', '2023-02-29')],
    ['an unknown category', (doc) => doc.getMap('meta').set('category', 'x-ray')],
    ['an unknown level', (doc) => doc.getMap('meta').set('level', 'public')],
    ['a negative author index', (doc) => doc.getMap('meta').set('createdBy', -1)],
    ['a fractional time', (doc) => doc.getMap('meta').set('changedAt', 1.5)],
    ['another record id', (doc) => doc.getMap('meta').set('id', 'cd'.repeat(16))],
    ['a number among tags', (doc) => doc.getArray('tags').push([1])],
    ['a string as observation', (doc) => doc.getArray('observations').push(['hb 13'])],
    [
      'an observation with a non-finite bound',
      (doc) => {
        const map = new Y.Map<unknown>();
        for (const [k, value] of Object.entries({ id: 'ef'.repeat(16), name: 'Hb', value: '1', low: 'NaN' })) {
          map.set(k, value);
        }
        doc.getArray('observations').push([map]);
      },
    ],
    ['an attachment that is a string', (doc) => doc.getMap('attachments').set('ff'.repeat(16), 'x')],
    ['an attribution stamp of the wrong shape', (doc) => doc.getMap('attribution').set('title', { by: 'me' })],
  ];

  for (const [name, tamper] of wrongShapes) {
    it(`reports ${name} as invalid_doc, never a crash`, () => {
      const { model, changes } = load(hostileUpdate(tamper));
      expect(codeOf(() => model.get(ID))).toBe('invalid_doc');
      expect(changes.at(-1)?.invalid).toEqual([ID]);
      expect(model.entry(ID)).toBeUndefined();
      expect(codeOf(() => model.update(ID, { title: 'fixed' }))).toBe('invalid_doc');
      expect(model.list()).toEqual([]);
    });
  }

  it('clamps over-long strings to their limits', () => {
    const { model } = load(
      hostileUpdate((doc) => {
        doc.getMap('meta').set('title', '€'.repeat(10_000));
        doc.getMap('meta').set('author', 'a'.repeat(100_000));
        doc.getArray('tags').push(['t'.repeat(1000), ...Array.from({ length: 500 }, (_, i) => `tag${i}`)]);
        doc.getText('note').insert(0, 'n'.repeat(LIMITS.noteChars + 10));
      }),
    );
    const record = model.get(ID);
    expect(new TextEncoder().encode(record.title).length).toBeLessThanOrEqual(LIMITS.titleBytes);
    expect(record.title).toBe('€'.repeat(Math.floor(LIMITS.titleBytes / 3)));
    expect(record.author).toHaveLength(LIMITS.authorBytes);
    expect(record.tags).toHaveLength(LIMITS.tags);
    expect(record.tags[0]).toHaveLength(LIMITS.tagChars);
    expect(record.note).toHaveLength(LIMITS.noteChars);
    // Once its shard arrives (with R_r), the record's entry is repaired from the clamped record.
    const shard = new Y.Doc();
    shard.getMap('roots').set(ID, new Uint8Array(32));
    model.applyShardUpdate(shardHex(TEST_SHARD_PREFIX, 0, 0), Y.encodeStateAsUpdate(shard));
    expect(model.entry(ID)?.title).toBe(record.title);
  });

  it('keeps root types fixed when an update declares them differently', () => {
    const doc = new Y.Doc();
    doc.getMap('note').set('x', 'y');
    doc.getArray('meta').push(['z']);
    const { model } = load(Y.encodeStateAsUpdate(doc));
    expect(codeOf(() => model.get(ID))).toBe('invalid_doc');
  });

  it('refuses bytes that are not a Yjs update with invalid_update and loads nothing', () => {
    const model = createRecordsModel({ clock: manualClock(), random: seededRandom(2), author: 0 });
    expect(codeOf(() => model.applyUpdate(ID, new Uint8Array([255, 255, 255, 255, 255, 1])))).toBe('invalid_update');
    expect(codeOf(() => model.applyIndexUpdate(new Uint8Array([9, 9, 9])))).toBe('invalid_update');
    expect(model.loadedIds()).toEqual([]);
    expect(codeOf(() => model.applyUpdate('not an id', new Uint8Array()))).toBe('invalid_input');
  });

  it('a cut-off update is refused, or leaves structs a member could have sent: the record still reads', () => {
    const base = createRecordsModel({ clock: manualClock(), random: seededRandom(6), author: 0 });
    const { id } = base.create({ category: 'lab-result', title: 'Bilan', date: '2024-02-03', note: 'avant' });
    const before = base.exportUpdate(id);
    const vector = base.stateVector(id);
    base.update(id, { title: 'Bilan lipidique', tags: ['cholestérol'] });
    base.addObservation(id, { name: 'LDL', value: '1.6', unit: 'g/L' });
    const edit = base.exportUpdate(id, vector);
    const outcomes = { unchanged: 0, changed: 0 };
    for (let cut = 1; cut < edit.length; cut++) {
      const model = createRecordsModel({ clock: manualClock(), random: seededRandom(7), author: 0 });
      model.applyUpdate(id, before);
      const shown = JSON.stringify(model.get(id));
      expect(['none', 'invalid_update']).toContain(codeOf(() => model.applyUpdate(id, edit.subarray(0, cut))));
      // Yjs reads the delete set after integrating the structs (updates-api.ts): a cut can shift bytes into
      // structs that parse, then fail in the delete set. What remains must read, or be reported, never crash.
      expect(['none', 'invalid_doc']).toContain(codeOf(() => model.get(id)));
      model.list();
      if (codeOf(() => model.get(id)) === 'none' && JSON.stringify(model.get(id)) === shown) outcomes.unchanged += 1;
      else outcomes.changed += 1;
    }
    expect(outcomes.unchanged).toBeGreaterThan(edit.length / 2);
  });

  it('ignores malformed index entries and repairs them from a loaded record', () => {
    const model = createRecordsModel({ clock: manualClock(), random: seededRandom(3), author: 0 });
    const { id } = model.create({ category: 'other', title: 'Vrai titre', date: '2024-05-01' });
    const shard = model.shardOf(id) ?? '';
    const hostile = new Y.Doc();
    Y.applyUpdate(hostile, model.exportShardUpdate(shard));
    const stored = hostile.getMap('records').get(id) as Record<string, unknown>;
    hostile.getMap('records').set(id, { ...stored, title: 7 });
    expect(stored.title).toBe('Vrai titre');
    const stranger = new Y.Map<unknown>();
    stranger.set('title', ['not', 'a', 'string']);
    hostile.getMap('records').set('ee'.repeat(16), stranger);
    model.applyShardUpdate(shard, Y.encodeStateAsUpdate(hostile));
    expect(model.entry(id)?.title).toBe('Vrai titre');
    expect(model.entry('ee'.repeat(16))).toBeUndefined();
    expect(model.list().map((entry) => entry.id)).toEqual([id]);
  });

  it(
    'never throws anything but a VaultError for random bytes or random well-formed documents',
    () => {
      const value = fc.oneof(
        fc.string(),
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.array(fc.string()),
      );
      assertProperty(
        fc.property(
          fc.uint8Array({ maxLength: 200 }),
          fc.dictionary(fc.constantFrom('title', 'date', 'category', 'level', 'createdBy', 'id', 'v'), value),
          fc.array(value, { maxLength: 5 }),
          (bytes, metaOverrides, listItems) => {
            const model = createRecordsModel({ clock: manualClock(), random: seededRandom(4), author: 0 });
            expect(['none', 'invalid_update']).toContain(codeOf(() => model.applyUpdate(ID, bytes)));
            const update = hostileUpdate((doc) => {
              for (const [key, item] of Object.entries(metaOverrides)) doc.getMap('meta').set(key, item);
              doc.getArray('observations').push(listItems);
              doc.getArray('tags').push(listItems);
            });
            const fresh = createRecordsModel({ clock: manualClock(), random: seededRandom(5), author: 0 });
            expect(['none', 'invalid_update']).toContain(codeOf(() => fresh.applyUpdate(ID, update)));
            expect(['none', 'invalid_doc', 'record_not_found']).toContain(codeOf(() => fresh.get(ID)));
            fresh.list();
            fresh.search('t');
          },
        ),
        runs(100, 2000),
      );
    },
    LONG_TIMEOUT,
  );
});
