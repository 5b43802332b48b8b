import knexFactory, { type Knex } from 'knex';
import { migrations, type Migration } from './migrations/index.js';

/**
 * Runs pending migrations, each in its own transaction (knex's default would put all pending
 * migrations in one: docs/architecture.md, 'Facts the code relies on'). Safe to call from several
 * processes at once: knex takes a lock table row.
 */
export async function migrateToLatest(databaseUrl: string): Promise<string[]> {
  const knex = knexFactory({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 1 } });
  try {
    const [, applied] = (await knex.migrate.latest({
      migrationSource: source,
      disableTransactions: true,
    })) as [number, string[]];
    return applied;
  } finally {
    await knex.destroy();
  }
}

const source: Knex.MigrationSource<Migration> = {
  getMigrations: async () => [...migrations],
  getMigrationName: (m) => m.name,
  getMigration: async (m) => ({ up: m.up, down: m.down, config: { transaction: true } }),
};
