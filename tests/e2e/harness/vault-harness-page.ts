// Browser entry for the vault's crash and two-tab tests: the real vault facade on Chromium's real IndexedDB,
// bundled with esbuild and driven through `window.harness`. An edit is reported to the test only once the vault
// says it is saved (flush resolved: its strict transaction completed), exactly when the app shows
// "Saved on this device".
import { CATEGORIES, createVaultAccess, KDF_FLOOR_FOR_TESTS, type Vault } from './harness-deps.ts';
import { seededRandom } from '#tests/helpers/seeded-random';

declare global {
  interface Window {
    harness: Harness;
    /** Exposed by the test (Playwright binding): survives the browser being killed. */
    reportSaved?: (edit: string) => Promise<void>;
  }
}

const PASS = 'correct horse battery staple';
const access = createVaultAccess({ kdfLadder: [KDF_FLOOR_FOR_TESTS] });
let vault: Vault | undefined;

/** A structurally valid PDF of `size` bytes whose content depends on `seed` (passes the vault's checks). */
function pdfBytes(size: number, seed: number): Uint8Array<ArrayBuffer> {
  const head = new TextEncoder().encode('%PDF-1.4\n% carnet crash test\n');
  const tail = new TextEncoder().encode('\nstartxref\n0\n%%EOF\n');
  const out = new Uint8Array(Math.max(size, head.length + tail.length + 1));
  out.set(head, 0);
  const rand = seededRandom(seed);
  for (let i = head.length; i < out.length - tail.length; i++) out[i] = 0x20 + Math.floor(rand() * 90);
  out.set(tail, out.length - tail.length);
  return out;
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer> | ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

interface Snapshot {
  records: {
    id: string;
    title: string;
    note: string;
    observations: string[];
    attachments: { name: string; size: number; sha256: string | null }[];
  }[];
  problems: number;
  invalid: string[];
  blobKeys: number;
}

const harness = {
  async create(): Promise<string> {
    const created = await access.create({
      passphrase: PASS,
      relay: { origin: location.origin, publicKeyHex: '22'.repeat(32) },
    });
    vault = created.vault;
    return vault.id;
  },

  async unlock(id: string): Promise<void> {
    vault = await access.unlock(id, { passphrase: PASS });
    await vault.fullyLoaded;
  },

  /** Edits until killed: records, appended note tokens, observations and attachments, reporting saved ones. */
  async burst(seed: number, count: number): Promise<void> {
    const v = vault;
    if (v === undefined) throw new Error('locked');
    const rand = seededRandom(seed);
    const ids = v.records.list().map((e) => e.id);
    for (let i = 0; i < count; i++) {
      const roll = rand();
      const tag = `${String(seed)}-${String(i)}`;
      let report: string;
      if (ids.length === 0 || roll < 0.15) {
        const r = v.records.create({ category: 'medical-report', title: `T${tag}`, date: '2025-01-01' });
        ids.push(r.id);
        report = JSON.stringify({ kind: 'record', id: r.id, title: `T${tag}` });
      } else {
        const id = ids[Math.floor(rand() * ids.length)] ?? '';
        await v.loadRecord(id);
        if (roll < 0.6) {
          const note = v.records.get(id).note;
          v.records.editNote(id, { index: note.length, deleteCount: 0, insert: `n${tag};` });
          report = JSON.stringify({ kind: 'note', id, token: `n${tag};` });
        } else if (roll < 0.85) {
          v.records.addObservation(id, { name: `o${tag}`, value: String(i) });
          report = JSON.stringify({ kind: 'observation', id, name: `o${tag}` });
        } else {
          const size = 1000 + Math.floor(rand() * 600_000);
          const bytes = pdfBytes(size, seed * 1000 + i);
          const file = new File([bytes], `f${tag}.pdf`, { type: 'application/pdf' });
          await v.attachments.add(id, {
            name: file.name,
            mediaType: file.type,
            size: file.size,
            stream: () => file.stream(),
            slice: (start, end) => file.slice(start, end),
          });
          report = JSON.stringify({ kind: 'attachment', id, name: `f${tag}.pdf`, sha256: await sha256Hex(bytes) });
        }
      }
      // Some edits are not awaited one by one: a batch is committed together, as when someone types fast.
      if (rand() < 0.7) {
        await v.flush();
        await window.reportSaved?.(report);
      } else {
        void v.flush().then(() => window.reportSaved?.(report));
      }
    }
    await v.flush();
  },

  async snapshot(): Promise<Snapshot> {
    const v = vault;
    if (v === undefined) throw new Error('locked');
    await v.fullyLoaded;
    const records: Snapshot['records'] = [];
    const invalid: string[] = [];
    for (const entry of v.records.list()) {
      let r;
      try {
        r = await v.loadRecord(entry.id);
      } catch {
        invalid.push(entry.id);
        continue;
      }
      const attachments: Snapshot['records'][number]['attachments'] = [];
      for (const a of r.attachments) {
        let sha256: string | null;
        try {
          sha256 = await sha256Hex(await new Response(v.attachments.open(r.id, a.fileId)).arrayBuffer());
        } catch {
          sha256 = null;
        }
        attachments.push({ name: a.name, size: a.size, sha256 });
      }
      records.push({
        id: r.id,
        title: r.title,
        note: r.note,
        observations: r.observations.map((o) => o.name),
        attachments,
      });
    }
    const blobKeys = await new Promise<number>((resolve, reject) => {
      const request = indexedDB.open(`carnet-v1-${v.id}`);
      request.onsuccess = () => {
        const tx = request.result.transaction('blobs', 'readonly');
        const count = tx.objectStore('blobs').count();
        tx.oncomplete = () => {
          request.result.close();
          resolve(count.result);
        };
        tx.onerror = () => reject(new Error('count failed'));
      };
      request.onerror = () => reject(new Error('open failed'));
    });
    return { records, problems: v.problems().length, invalid, blobKeys };
  },

  /** A new vault whose recovery key the test keeps (the backup spec restores with it). */
  async createWithKit(): Promise<{ id: string; recoveryKey: string }> {
    const created = await access.create({
      passphrase: PASS,
      relay: { origin: location.origin, publicKeyHex: '22'.repeat(32) },
    });
    vault = created.vault;
    return { id: vault.id, recoveryKey: created.recoveryKit.recoveryKeyText };
  },

  /** `records` records of every category with notes, tags and lab values, and `files` PDFs of `fileBytes`. */
  async populate(seed: number, records: number, files: number, fileBytes: number): Promise<void> {
    const v = vault;
    if (v === undefined) throw new Error('locked');
    const rand = seededRandom(seed);
    const categories = CATEGORIES;
    const ids: string[] = [];
    for (let i = 0; i < records; i++) {
      const category = categories[i % categories.length] ?? 'other';
      const day = String(1 + Math.floor(rand() * 28)).padStart(2, '0');
      const r = v.records.create({
        category,
        title: `Record ${String(i)} é${String(seed)}`,
        date: `20${String(10 + (i % 16))}-0${String(1 + (i % 9))}-${day}`,
        tags: [`tag${String(i % 7)}`],
      });
      ids.push(r.id);
      v.records.setNote(r.id, `Note ${String(i)}: ${'lorem ipsum '.repeat(1 + Math.floor(rand() * 20))}`);
      if (category === 'lab-result') {
        v.records.addObservation(r.id, {
          name: `Value ${String(i)}`,
          value: (rand() * 10).toFixed(2),
          unit: 'g/L',
          low: 1,
          high: 5,
        });
      }
      if (i % 100 === 99) await v.flush();
    }
    await v.flush();
    for (let f = 0; f < files; f++) {
      const bytes = pdfBytes(fileBytes, seed * 1000 + f);
      const file = new File([bytes], `file-${String(f)}.pdf`, { type: 'application/pdf' });
      await v.attachments.add(ids[(f * 7) % ids.length] ?? '', {
        name: file.name,
        mediaType: file.type,
        size: file.size,
        stream: () => file.stream(),
        slice: (start, end) => file.slice(start, end),
      });
    }
    await v.flush();
  },

  /** Every record as the vault returns it, and the SHA-256 of every file: what a restore must reproduce. */
  async contents(): Promise<{ records: string; files: Record<string, string> }> {
    const v = vault;
    if (v === undefined) throw new Error('locked');
    const records = [];
    const files: Record<string, string> = {};
    for (const entry of v.records.list()) {
      const record = await v.loadRecord(entry.id);
      records.push(record);
      for (const a of record.attachments) {
        files[a.fileId] = await sha256Hex(await new Response(v.attachments.open(record.id, a.fileId)).arrayBuffer());
      }
    }
    records.sort((a, b) => a.id.localeCompare(b.id));
    return { records: JSON.stringify(records), files };
  },

  /** Saves a backup through a download, as the app does. */
  async saveBackup(): Promise<number> {
    const v = vault;
    if (v === undefined) throw new Error('locked');
    const blob = await new Response(v.backup()).blob();
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = 'carnet-backup.carnet';
    document.body.append(link);
    link.click();
    return blob.size;
  },

  /** Restores from the file picked in the page's file input (the test sets it). */
  async restoreFromInput(recoveryKey: string, passphrase: string): Promise<string> {
    const file = document.querySelector<HTMLInputElement>('#backup')?.files?.[0];
    if (file === undefined) throw new Error('no file picked');
    vault = await access.restore({ backup: file, recoveryKey, passphrase });
    return vault.id;
  },

  lock(): void {
    vault?.lock();
    vault = undefined;
  },

  /** Why this tab's vault locked, or null while it is open. */
  lockedReason: null as string | null,

  watchLock(): void {
    vault?.onLocked((reason) => {
      harness.lockedReason = reason;
    });
  },

  createRecord(title: string): string {
    if (vault === undefined) throw new Error('locked');
    return vault.records.create({ category: 'personal-space', title, date: '2025-02-03' }).id;
  },

  async flush(): Promise<void> {
    await vault?.flush();
  },

  /** Appends `count` tokens to a record's note, one edit each, yielding between edits like typing does. */
  async type(id: string, prefix: string, count: number, atStart: boolean): Promise<void> {
    const v = vault;
    if (v === undefined) throw new Error('locked');
    await v.loadRecord(id);
    for (let i = 0; i < count; i++) {
      const note = v.records.get(id).note;
      v.records.editNote(id, { index: atStart ? 0 : note.length, deleteCount: 0, insert: `${prefix}${String(i)};` });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await v.flush();
  },

  async note(id: string): Promise<string> {
    const v = vault;
    if (v === undefined) throw new Error('locked');
    await v.loadRecord(id);
    return v.records.get(id).note;
  },
};
type Harness = typeof harness;
window.harness = harness;
const picker = document.createElement('input');
picker.type = 'file';
picker.id = 'backup';
document.body.append(picker);
document.title = 'ready';
