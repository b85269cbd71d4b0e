/** After this many days the settings remind the patient to save a new backup. */
export const BACKUP_REMINDER_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** No backup yet, or one older than the reminder: the settings say so in a banner. */
export function isBackupOld(lastBackupAt: number | undefined, now: number): boolean {
  return lastBackupAt === undefined || now - lastBackupAt > BACKUP_REMINDER_DAYS * DAY_MS;
}

/**
 * The file name a backup is saved under: says what it is and when, sorts by date.
 *
 * @example backupFileName(new Date(2026, 11, 7)) // "carnet-backup-2026-12-07.carnet"
 */
export function backupFileName(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `carnet-backup-${String(date.getFullYear())}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}.carnet`;
}
