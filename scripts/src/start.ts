import { ConfigError, ensureDatabase, loadConfig, migrateToLatest, unreachableServices } from '@concert/infra';

/**
 * `npm start`: checks that the servers answer, prepares the database, then starts the
 * system's processes. So far the system is the event store; the HTTP services and
 * background processes join this list as they are built.
 */
try {
  const config = loadConfig({ AUTH_DEV_LOGIN: 'true', ...process.env });
  const problems = await unreachableServices(config);
  if (problems.length > 0) {
    for (const line of problems) console.error(line);
    process.exit(1);
  }
  await ensureDatabase(config.DATABASE_URL);
  const applied = await migrateToLatest(config.DATABASE_URL);
  console.log(`database ready (${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}): ${redact(config.DATABASE_URL)}`);
  console.log(`event store: ${config.EVENTSTORE}`);
  console.log('no HTTP service is built yet: the command API, query API, gateway and workers arrive with their issues');
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `start failed: ${(error as Error).message}`);
  process.exitCode = 1;
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
