import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { ensureDatabase } from '../postgres/ensure-database.js';
import type { Migration } from '../postgres/migrations/index.js';
import { idempotencyMigrations } from './migrations/index.js';

export const IDEMPOTENCY_SCHEMA = 'idempotency';

/**
 * Creates the Idempotency DB when missing (IDEMPOTENCY_DATABASE_URL may name a database of its
 * own) and applies its pending migrations, each in its own transaction as the main database's
 * are. Its schema and migration bookkeeping (`idempotency.knex_migrations`) never mix with the
 * main migrations, so both can share one database. Safe to run from several processes at once.
 */
export async function migrateIdempotencyDatabase(databaseUrl: string): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  // knex's own lock row makes a concurrent run fail with MigrationLocked instead of waiting:
  // an advisory lock held by a separate session queues concurrent runs (gateways starting together).
  const lock = new pg.Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await lock.query(`CREATE SCHEMA IF NOT EXISTS ${IDEMPOTENCY_SCHEMA}`);
    const knex = knexFactory({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 1 } });
    try {
      const [, applied] = (await knex.migrate.latest({
        migrationSource: source,
        // knex creates its bookkeeping tables inside the schema, not the schema itself (above).
        schemaName: IDEMPOTENCY_SCHEMA,
        tableName: 'knex_migrations',
        disableTransactions: true,
      })) as [number, string[]];
      return applied;
    } finally {
      await knex.destroy();
    }
  } finally {
    await lock.end(); // ends the session, and with it the advisory lock
  }
}

/** Key of the advisory lock that serialises runs ("idempotency" as a 64-bit number). */
const MIGRATION_LOCK = '7309956011236081273';

const source: Knex.MigrationSource<Migration> = {
  getMigrations: async () => [...idempotencyMigrations],
  getMigrationName: (m) => m.name,
  getMigration: async (m) => ({ up: m.up, down: m.down, config: { transaction: true } }),
};
