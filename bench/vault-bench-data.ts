// The records of `npm run bench -- vault`: deterministic (seeded), varied like a real patient's twenty years of
// documents, and the answers the search must give, computed here from the generated text, independently of the
// vault's search index.
import type { Category, Level, ObservationInput } from '#vault';
import { ANALYTES, DOCTORS, SENTENCES, TAGS, TITLE_SUFFIXES, TITLES, type Analyte } from './vault-bench-words.ts';
import { seededRandom } from '#tests/helpers/seeded-random';

export interface BenchRecordInput {
  category: Category;
  title: string;
  date: string;
  author: string;
  organisation: string;
  level: Level;
  tags: string[];
  note: string;
  observations: ObservationInput[];
}

/** A later edit of a record: each lands in its own commit, so it becomes one more stored update. */
export type BenchEdit =
  | { kind: 'note'; note: string }
  | { kind: 'observation'; observation: ObservationInput }
  | { kind: 'tags'; tags: string[] }
  | { kind: 'title'; title: string };

export interface BenchRecord {
  input: BenchRecordInput;
  edits: BenchEdit[];
}

export interface BenchAttachment {
  /** Index of the record in `records`. */
  record: number;
  name: string;
  seed: number;
}

export interface BenchData {
  records: BenchRecord[];
  attachments: BenchAttachment[];
}

export interface BenchQuery {
  label: string;
  query: string;
}

type Rng = () => number;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;
const between = (rng: Rng, low: number, high: number): number => low + Math.floor(rng() * (high - low + 1));

// Weights of the nine categories in a typical record (labs and prescriptions dominate).
const CATEGORY_WEIGHTS: readonly [Category, number][] = [
  ['lab-result', 30],
  ['medical-report', 15],
  ['imaging-result', 10],
  ['patient-summary', 4],
  ['hospital-report', 8],
  ['prescription', 15],
  ['vaccination', 7],
  ['personal-space', 6],
  ['other', 5],
];

function observation(rng: Rng, analyte: Analyte): ObservationInput {
  const value = analyte.min + rng() * (analyte.max - analyte.min);
  const text = value.toFixed(analyte.decimals);
  // No flag: as the form does, the flag is left to the range (derived on read, vault/records/derive-flag.ts).
  return { name: analyte.name, value: text, unit: analyte.unit, low: analyte.low, high: analyte.high };
}

function shuffled<T>(rng: Rng, list: readonly T[]): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function note(rng: Rng): string {
  const target = between(rng, 50, 400);
  let text = '';
  while (text.length < target) {
    const next = pick(rng, SENTENCES);
    if (text.length > 0 && text.length + 1 + next.length > 400) break;
    text = text === '' ? next : `${text} ${next}`;
  }
  return text;
}

function category(rng: Rng): Category {
  let roll = rng() * 100;
  for (const [name, weight] of CATEGORY_WEIGHTS) {
    roll -= weight;
    if (roll < 0) return name;
  }
  return 'other';
}

/** A day of care in 2006–2025. */
function date(rng: Rng): string {
  const start = Date.UTC(2006, 0, 1);
  const days = Math.floor(rng() * 7305);
  return new Date(start + days * 86_400_000).toISOString().slice(0, 10);
}

function record(rng: Rng): BenchRecord {
  const cat = category(rng);
  const doctor = pick(rng, DOCTORS);
  const labs = cat === 'lab-result' ? shuffled(rng, ANALYTES).slice(0, between(rng, 3, 10)) : [];
  const input: BenchRecordInput = {
    category: cat,
    title: `${pick(rng, TITLES[cat])}${pick(rng, TITLE_SUFFIXES)}`,
    date: date(rng),
    author: cat === 'personal-space' ? '' : doctor.author,
    organisation: cat === 'personal-space' ? '' : doctor.organisation,
    level: rng() < 0.9 ? 'normal' : rng() < 0.8 ? 'restricted' : 'secret',
    tags: [...new Set(Array.from({ length: between(rng, 0, 2) }, () => pick(rng, TAGS)))],
    note: note(rng),
    observations: labs.map((analyte) => observation(rng, analyte)),
  };
  // One record in five is edited later, 1 to 6 times (a note rewritten, a result added, tags, a title).
  const edits: BenchEdit[] = [];
  if (rng() < 0.2) {
    for (let n = between(rng, 1, 6); n > 0; n--) {
      const roll = rng();
      if (roll < 0.45) edits.push({ kind: 'note', note: note(rng) });
      else if (roll < 0.65 && cat === 'lab-result')
        edits.push({ kind: 'observation', observation: observation(rng, pick(rng, ANALYTES)) });
      else if (roll < 0.85) edits.push({ kind: 'tags', tags: [pick(rng, TAGS)] });
      else edits.push({ kind: 'title', title: `${pick(rng, TITLES[cat])} (corrigé)` });
    }
  }
  return { input, edits };
}

export function generateBenchData(count: number, attachmentCount: number, seed = 20_240_305): BenchData {
  const rng = seededRandom(seed);
  const records = Array.from({ length: count }, () => record(rng));
  // Scans and reports: attached to imaging, hospital and medical reports, a few records holding two.
  const holders = records.flatMap((r, i) =>
    ['imaging-result', 'hospital-report', 'medical-report'].includes(r.input.category) ? [i] : [],
  );
  const attachments = Array.from({ length: attachmentCount }, (_, n) => {
    const index = holders[Math.floor(rng() * Math.min(holders.length, Math.max(1, attachmentCount * 0.8)))] ?? 0;
    const held = records[index]?.input;
    return { record: index, name: `compte-rendu-${held?.date ?? 'scan'}-${n + 1}.pdf`, seed: seed + n };
  });
  return { records, attachments };
}

/** A record as it ends after its edits. */
export function finalInput(r: BenchRecord): BenchRecordInput {
  const out = { ...r.input, observations: [...r.input.observations] };
  for (const edit of r.edits) {
    if (edit.kind === 'note') out.note = edit.note;
    else if (edit.kind === 'observation') out.observations.push(edit.observation);
    else if (edit.kind === 'tags') out.tags = edit.tags;
    else out.title = edit.title;
  }
  return out;
}

/** The text a record offers to full-text search (titles, notes, names, tags, lab names and values, file names). */
export function searchTexts(data: BenchData): string[][] {
  const texts = data.records.map((r) => {
    const f = finalInput(r);
    return [f.title, f.note, f.author, f.organisation, ...f.tags, ...f.observations.flatMap((o) => [o.name, o.value])];
  });
  for (const a of data.attachments) texts[a.record]?.push(a.name);
  return texts;
}

/** The searches timed after unlock; the lab value is one the data holds, so the answer is never empty. */
export function benchQueries(data: BenchData): BenchQuery[] {
  const hemoglobin = data.records
    .flatMap((r) => finalInput(r).observations)
    .find((o) => o.name === 'Hémoglobine' && o.value.includes('.'));
  const value = hemoglobin?.value ?? '13.2';
  return [
    { label: 'title word', query: 'échographie' },
    { label: 'note word', query: 'essoufflement' },
    { label: 'lab value', query: value },
    { label: 'lab name + value as typed', query: `hemoglobine ${value.replace('.', ',')}` },
    { label: 'prefix', query: 'cardi' },
    { label: 'author, two words', query: 'dr lefevre' },
  ];
}

// The search's contract, written out again: accents and case ignored, decimal numbers one token ("13,2" is
// "13.2"), every query word a prefix of some word of the record.
const fold = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
const words = (text: string): string[] =>
  [...fold(text).matchAll(/[\p{L}\p{N}]+(?:[.,]\p{N}+)*/gu)].map((m) => m[0].replace(/,/g, '.'));

/** Indexes of the records that must match `query`. */
export function expectedMatches(texts: readonly string[][], query: string): number[] {
  const wanted = [...new Set(words(query))];
  const out: number[] = [];
  texts.forEach((list, index) => {
    const have = list.flatMap(words);
    if (wanted.every((w) => have.some((h) => h.startsWith(w)))) out.push(index);
  });
  return out;
}
