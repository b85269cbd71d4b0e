import { m } from '$lib/i18n/messages.ts';
import { MIN_PASSPHRASE_LENGTH, MIN_PASSPHRASE_SCORE, ratePassphrase } from './rate-passphrase.ts';

/**
 * What is wrong with a new passphrase, in words, or undefined when it may protect a health record: the one rule
 * for every form that sets a passphrase.
 */
export async function newPassphraseError(passphrase: string): Promise<string | undefined> {
  if (passphrase === '') return m.create_error_empty();
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) return m.create_error_short({ count: MIN_PASSPHRASE_LENGTH });
  if ((await ratePassphrase(passphrase, ['carnet'])).score < MIN_PASSPHRASE_SCORE) return m.create_error_weak();
  return undefined;
}
