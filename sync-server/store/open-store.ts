import path from 'node:path';
import type { RelayConfig } from '../config.ts';
import { openPostgresStore } from './postgres-store.ts';
import type { RelayStore } from './relay-store.ts';
import { openSqliteStore } from './sqlite-store.ts';

/** PostgreSQL when DATABASE_URL is set; otherwise the embedded SQLite default, so a new user needs no server. */
export async function openStore(config: Pick<RelayConfig, 'databaseUrl' | 'dataDir'>): Promise<RelayStore> {
  if (config.databaseUrl !== undefined) return openPostgresStore(config.databaseUrl);
  return openSqliteStore(path.join(config.dataDir, 'relay.sqlite'));
}
