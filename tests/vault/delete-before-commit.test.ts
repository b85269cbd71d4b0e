// A record created and deleted before its first commit has no root key left to seal with (§17.2): its edits are
// dropped, and the other edits of the same commit are saved (the whole commit used to fail, and every edit in it
// was lost at the next lock).
import { beforeAll, expect, it } from 'vitest';
import { ready } from '#crypto';
import { TEST_PASSPHRASE, TEST_RELAY, testAccess } from '#tests/helpers/vault-access';

beforeAll(async () => {
  await ready();
});

it('a record deleted before its first commit does not stop the other edits from being saved', async () => {
  const { idb, access } = testAccess();
  const { vault } = await access.create({ passphrase: TEST_PASSPHRASE, relay: TEST_RELAY });
  vault.records.create({ category: 'other', title: 'kept', date: '2020-01-01' });
  const gone = vault.records.create({ category: 'other', title: 'deleted at once', date: '2020-01-01' });
  vault.records.remove(gone.id);
  await vault.flush();
  expect(vault.saveState()).toMatchObject({ pending: 0, error: null });
  vault.lock();
  const again = await testAccess(idb).access.unlock(vault.id, { passphrase: TEST_PASSPHRASE });
  expect(again.records.list().map((entry) => entry.title)).toEqual(['kept']);
  again.lock();
});
