import type { VaultErrorDetail } from '#vault';
import { m } from '$lib/i18n/messages.ts';

/**
 * Words for a mistyped recovery key that point at the mistake: how many characters are missing or extra, a
 * character that is never part of a key, or the group to check (named only when exactly one group explains
 * the failed check, docs/PROTOCOL.md §22.8).
 */
export function describeRecoveryKeyMistake(mistake: VaultErrorDetail | undefined): string {
  if (mistake === undefined) return m.error_recovery_key_mistyped();
  switch (mistake.kind) {
    case 'checksum':
      return mistake.group === null
        ? m.error_recovery_key_mistyped()
        : m.error_recovery_key_mistyped_group({ group: mistake.group });
    case 'character':
      return mistake.group === null
        ? m.error_recovery_key_character({ character: mistake.character })
        : m.error_recovery_key_character_group({ character: mistake.character, group: mistake.group });
    case 'length': {
      const missing = mistake.expected - mistake.found;
      const count = Math.abs(missing);
      const sentence = missing > 0 ? m.error_recovery_key_short({ count }) : m.error_recovery_key_long({ count });
      return mistake.group === null
        ? sentence
        : `${sentence} ${m.error_recovery_key_check_group({ group: mistake.group })}`;
    }
  }
}
