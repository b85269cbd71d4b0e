/**
 * Attachments: files up to 100 MB, checked by content, encrypted as a stream of 64 KiB chunks into IndexedDB
 * (docs/PROTOCOL.md §9, §18.1) and read back as a decrypting stream. The vault facade exposes the store as
 * `vault.attachments`; the content checks are shared with the web layer's pre-checks.
 *
 * @example
 * import { createVaultAttachments, sniffMediaType } from '#vault/attachments/index';
 *
 * const attachments = createVaultAttachments({ db, vaultId, records, sealRow, openRow, random, report, loadRecord });
 * const removed = await attachments.collectOrphans(); // at unlock
 * const meta = await attachments.add(recordId, file, ({ done, total }) => showProgress(done / total));
 * const blob = await new Response(attachments.open(recordId, meta.fileId)).blob();
 * sniffMediaType(firstBytes, false); // 'application/pdf', 'image/png', … or undefined
 */
export {
  createVaultAttachments,
  type AttachmentStoreContext,
  type VaultAttachmentStore,
} from './create-vault-attachments.ts';
export {
  ATTACHMENT_MEDIA_TYPES,
  createTextCheck,
  SNIFF_BYTES,
  sniffMediaType,
  type AttachmentMediaType,
} from './sniff-media-type.ts';
export { checkStructure, TAIL_BYTES } from './check-structure.ts';
