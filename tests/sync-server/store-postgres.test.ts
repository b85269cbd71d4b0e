import { describe } from 'vitest';
import { openPostgresStore } from '#sync-server/store/postgres-store';
import { dropSchema, postgresAvailable, TEST_DATABASE_URL, uniqueSchema } from '#tests/helpers/postgres';
import { describeStoreContract } from './store-contract.ts';

const hasPostgres = await postgresAvailable();
// One schema for this file, dropped afterwards; every open() is a new pool on it.
const schema = uniqueSchema('carnet_contract');

describe.skipIf(!hasPostgres)('PostgreSQL', () => {
  describeStoreContract(
    'PostgreSQL',
    (probe) => openPostgresStore(TEST_DATABASE_URL, { schema }, probe),
    () => dropSchema(schema),
  );
});
