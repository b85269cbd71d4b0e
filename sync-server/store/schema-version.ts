/** Bumped with every migration; both stores record it in their `meta` table. */
export const SCHEMA_VERSION = 3;
