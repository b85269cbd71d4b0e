/** The version of the last migration (migrations.ts); both stores record theirs in their `meta` table. */
export const SCHEMA_VERSION = 3;
