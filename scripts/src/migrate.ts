import { ConfigError, ensureDatabase, loadConfig, migrateToLatest } from '@concert/infra';

/** `npm run migrate`: creates the database when missing and applies pending migrations. */
try {
  const config = loadConfig();
  await ensureDatabase(config.DATABASE_URL);
  const applied = await migrateToLatest(config.DATABASE_URL);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `migration failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
