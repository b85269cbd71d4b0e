import type { AttachmentMeta } from '#vault';
import type { ProgressListener, Vault } from '#vault';

/**
 * Decrypts an attachment into a Blob. The vault's stream verifies chunk by chunk and errors on the first
 * tampered one; the bytes received before an error are dropped here, so nothing partial is ever shown.
 * The Blob has no type: the viewer decides how to show it from its content, not from the stored type.
 */
export async function readAttachment(
  vault: Vault,
  recordId: string,
  attachment: AttachmentMeta,
  onProgress?: ProgressListener,
): Promise<Blob> {
  const reader = vault.attachments.open(recordId, attachment.fileId, onProgress).getReader();
  const parts: Uint8Array<ArrayBuffer>[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value as Uint8Array<ArrayBuffer>); // libsodium's output: never a SharedArrayBuffer
    }
  } catch (error) {
    parts.length = 0;
    throw error;
  } finally {
    reader.releaseLock();
  }
  return new Blob(parts);
}
