// What a vault fixture records of each record and which searches it replays (issue 14): the content a patient
// sees, in a shape every build since a16b06f can produce, so a fixture from one build is compared with another.

/** Queries over titles, notes, organisations and lab values: every kind of word the index must find. */
export const VAULT_FIXTURE_SEARCHES = [
  'lipidique',
  'hematocrite',
  'zurich',
  'oedeme',
  'echocardiographie',
  '1.72',
  'glucose',
  'metformine',
  'suivi 12',
  'supprimer',
];

export interface FixtureRecord {
  id: string;
  category: string;
  title: string;
  date: string;
  note: string;
  observations: { name: string; value: string }[];
  files: string[];
}

/** The fields compared between builds (flags are left out: their storage changed in issue 11, by design). */
export function recordContent(record: {
  id: string;
  category: string;
  title: string;
  date: string;
  note?: string;
  observations?: readonly { name: string; value: string }[];
  attachments?: readonly { name: string }[];
}): FixtureRecord {
  return {
    id: record.id,
    category: record.category,
    title: record.title,
    date: record.date,
    note: record.note ?? '',
    observations: (record.observations ?? []).map((o) => ({ name: o.name, value: o.value })),
    files: (record.attachments ?? []).map((a) => a.name),
  };
}
