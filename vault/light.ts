/**
 * The part of the vault facade that the first screen (unlock or onboarding) needs, none of which reaches Dexie,
 * Yjs or libsodium. The UI imports these from here so that its first load stays small; the rest of `#vault`
 * is loaded when a vault is opened (web/lib/state/vault-session.svelte.ts). `#vault` exports them too.
 *
 * @example
 * import { isVaultError, listVaults } from '#vault/light';
 *
 * const vaults = await listVaults(indexedDB); // [] on a first visit
 */
export { listVaults } from './store/list-vaults.ts';
export {
  VaultError,
  VAULT_ERROR_CODES,
  isVaultError,
  type VaultErrorCode,
  type VaultErrorDetail,
} from './records/vault-error.ts';
// The relay descriptor is fetched on the first screen: its reader needs valibot and the protocol's schema only.
export { readRelayDescriptor } from './session/read-relay-descriptor.ts';
export { RELAY_WELL_KNOWN_PATH } from '#protocol/relay/index';
