// Settings > change the passphrase, the one form with a current passphrase above the shared new-passphrase fields
// (NewPassphraseFields, also in the create and restore forms): each mistake is said next to its field, which
// gets the focus, and the new passphrase is the one that unlocks afterwards.
import { expect, test } from '@playwright/test';
import { expectNoAxeViolation } from './support/axe.ts';
import {
  createVault,
  goToSection,
  lockFromHeader,
  PASSPHRASE,
  pinEnglish,
  submitUnlock,
  UNLOCK_TIMEOUT,
  unlock,
} from './support/vault-ui.ts';

test.use({ locale: 'en-US' });

const NEW_PASSPHRASE = 'copper lantern meadow seventeen walrus';

test('the passphrase changes in Settings; each mistake is said next to its field', async ({ page, context }) => {
  test.setTimeout(4 * UNLOCK_TIMEOUT);
  await pinEnglish(context);
  await page.goto('/');
  await createVault(page);
  await goToSection(page, 'Settings');

  const current = page.getByLabel('Current passphrase');
  const next = page.getByLabel('New passphrase', { exact: true });
  const again = page.getByLabel('Type the passphrase again');
  const submit = page.getByRole('button', { name: 'Change the passphrase' });

  await submit.click();
  await expect(current).toBeFocused();
  await expect(current).toHaveAccessibleDescription('Enter your current passphrase.');
  await expect(next).toHaveAttribute('aria-invalid', 'true');

  await current.fill(PASSPHRASE);
  await next.fill('short');
  await submit.click();
  await expect(next).toBeFocused();
  await expect(page.getByText('Use at least 10 characters.')).toBeVisible();

  await next.fill(NEW_PASSPHRASE);
  await again.fill(`${NEW_PASSPHRASE}!`);
  await submit.click();
  await expect(again).toBeFocused();
  await expect(page.getByText('The two passphrases are not the same. Type it again.')).toBeVisible();
  await expectNoAxeViolation(page, 'change passphrase with a mismatch');

  await current.fill('not my passphrase at all');
  await again.fill(NEW_PASSPHRASE);
  await submit.click();
  await expect(current).toBeFocused({ timeout: UNLOCK_TIMEOUT });
  await expect(current).toHaveAttribute('aria-invalid', 'true');

  await current.fill(PASSPHRASE);
  await submit.click();
  await expect(page.getByText('Your passphrase was changed.')).toBeVisible({ timeout: UNLOCK_TIMEOUT });
  // Nothing secret stays in the fields.
  await expect(next).toHaveValue('');
  await expect(again).toHaveValue('');

  await lockFromHeader(page);
  await submitUnlock(page, { passphrase: PASSPHRASE });
  await expect(page.getByLabel('Passphrase', { exact: true })).toHaveAttribute('aria-invalid', 'true', {
    timeout: UNLOCK_TIMEOUT,
  });
  await unlock(page, { passphrase: NEW_PASSPHRASE }, 'Settings');
});
