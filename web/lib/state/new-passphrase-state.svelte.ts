import { m } from '$lib/i18n/messages.ts';
import { newPassphraseError } from '$lib/vault/new-passphrase-error.ts';

/**
 * A new passphrase and its confirmation as typed in NewPassphraseFields.svelte, the one field group of every form
 * that sets a passphrase (create a vault, change it, restore a backup), under the one rule (`newPassphraseError`).
 * The form owns one, calls `check()` on submit and `focusError()` when this group holds its first error.
 *
 * @example
 * const newPassphrase = new NewPassphraseState();
 * if (!(await newPassphrase.check())) return newPassphrase.focusError();
 * await vault.changePassphrase(current, newPassphrase.value);
 * newPassphrase.clear();
 */
export class NewPassphraseState {
  value = $state('');
  confirmation = $state('');
  passphraseError: string | undefined = $state();
  confirmationError: string | undefined = $state();
  passphraseInput: HTMLInputElement | undefined = $state();
  confirmationInput: HTMLInputElement | undefined = $state();

  /** Applies the rule and shows what is wrong next to the field; true when the passphrase may be set. */
  async check(): Promise<boolean> {
    this.passphraseError = await newPassphraseError(this.value);
    this.confirmationError =
      this.passphraseError === undefined && this.confirmation !== this.value ? m.create_error_mismatch() : undefined;
    return this.passphraseError === undefined && this.confirmationError === undefined;
  }

  /** Moves the focus to the first field of the group with an error, if any. */
  focusError(): void {
    if (this.passphraseError !== undefined) this.passphraseInput?.focus();
    else if (this.confirmationError !== undefined) this.confirmationInput?.focus();
  }

  /** Empties both fields once the passphrase is set: nothing secret stays in the page. */
  clear(): void {
    this.value = '';
    this.confirmation = '';
  }
}
