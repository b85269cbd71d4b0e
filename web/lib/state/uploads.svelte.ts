import type { Vault } from '#vault';
import { describeError } from '$lib/errors';
import { checkFileBeforeAdd } from '$lib/attachments/check-file.ts';
import { toAttachmentFile } from '$lib/vault/to-attachment-file.ts';

export interface Upload {
  readonly id: number;
  readonly recordId: string;
  readonly name: string;
  readonly size: number;
  /** Bytes encrypted and stored so far. */
  done: number;
  status: 'working' | 'done' | 'failed';
  /** What went wrong, in the language in force when read. */
  error?: () => string;
  reference?: string;
}

/**
 * Files being encrypted into records. Kept outside the form so an upload carries on (and its bar stays
 * visible on the record) when the person moves to another screen (ux.md principle 8: work can be left running).
 */
class Uploads {
  items: Upload[] = $state([]);
  #nextId = 1;

  /** Encrypts and stores one file into a record; resolves when it is stored or has failed (never rejects). */
  async start(vault: Vault, recordId: string, file: File): Promise<void> {
    const id = this.#nextId++;
    this.items.push({ id, recordId, name: file.name, size: file.size, done: 0, status: 'working' });
    const item = this.items.find((upload) => upload.id === id);
    if (item === undefined) return;
    try {
      // The browser's own decoders first: an image it cannot decode or a PDF pdf.js cannot open is refused
      // before anything is encrypted or stored (the vault checks magic bytes and structure again).
      await checkFileBeforeAdd(file);
      await vault.attachments.add(recordId, toAttachmentFile(file), (progress) => {
        if (progress.phase === 'write') item.done = Math.min(progress.done, file.size);
      });
      item.done = file.size;
      item.status = 'done';
      // One "… was added" at a time: each save's notice replaces the last, instead of a pile of them. The file
      // itself is in the record's list; a failure stays until dismissed.
      this.items = this.items.filter((upload) => upload.status !== 'done' || upload.id === id);
    } catch (error) {
      const { code, text } = describeError(error);
      console.error('carnet: attachment', code, error);
      item.status = 'failed';
      item.error = text;
      item.reference = code;
    }
  }

  forRecord(recordId: string): Upload[] {
    return this.items.filter((upload) => upload.recordId === recordId);
  }

  dismiss(id: number): void {
    const index = this.items.findIndex((upload) => upload.id === id);
    if (index >= 0) this.items.splice(index, 1);
  }
}

export const uploads = new Uploads();
