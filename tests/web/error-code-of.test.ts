import { describe, expect, it } from 'vitest';
import { VAULT_ERROR_CODES, VaultError } from '#vault';
import { errorCodeOf } from '../../web/lib/errors/error-code-of.ts';
import { RelayUnavailableError } from '../../web/lib/vault/load-relay-descriptor.ts';

describe(errorCodeOf.name, () => {
  it('gives every vault error code a meaning for people, never "unknown" but for a bug', () => {
    for (const code of VAULT_ERROR_CODES.filter((c) => c !== 'internal')) {
      expect(errorCodeOf(new VaultError(code, 'test')), code).not.toBe('unknown');
    }
    // Nothing the person did or can fix: the unknown-error words (what is safe, reload) are the true ones.
    expect(errorCodeOf(new VaultError('internal', 'test'))).toBe('unknown');
  });

  it('tells a storage that failed from a full one and from damaged data', () => {
    expect(errorCodeOf(new VaultError('storage_failed', 'x'))).toBe('storage-failed');
    expect(errorCodeOf(new VaultError('quota_exceeded', 'x'))).toBe('storage-full');
    expect(errorCodeOf(new VaultError('tampered_row', 'x'))).toBe('data-damaged');
  });

  it('tells the attachment errors apart', () => {
    expect(errorCodeOf(new VaultError('attachment_too_large', 'x'))).toBe('attachment-too-large');
    expect(errorCodeOf(new VaultError('attachment_type_not_allowed', 'x'))).toBe('attachment-type-not-allowed');
    expect(errorCodeOf(new VaultError('attachment_corrupt', 'x'))).toBe('attachment-corrupt');
  });

  it('reads the device’s quota from the vault, the relay’s from the wire', () => {
    expect(errorCodeOf(new VaultError('quota_exceeded', 'x'))).toBe('storage-full');
    expect(errorCodeOf({ code: 'quota_exceeded' })).toBe('relay-full');
  });

  it('says what to do when the relay cannot be reached for a first vault', () => {
    expect(errorCodeOf(new RelayUnavailableError())).toBe('relay-setup-failed');
  });
});
