import { ConfigError, ensureDatabase, loadConfig, migrateIdempotencyDatabase, migrateToLatest } from '@concert/infra';

/** `npm run migrate`: creates the databases when missing (main, Idempotency DB) and applies pending migrations. */
try {
  const config = loadConfig();
  await ensureDatabase(config.DATABASE_URL);
  const applied = await migrateToLatest(config.DATABASE_URL);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  const idempotency = await migrateIdempotencyDatabase(config.IDEMPOTENCY_DATABASE_URL);
  console.log(
    idempotency.length ? `idempotency DB applied: ${idempotency.join(', ')}` : 'idempotency DB is up to date',
  );
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `migration failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
