import { existsSync } from 'node:fs';
import { ConfigError, ensureDatabase, loadConfig, migrateIdempotencyDatabase, migrateToLatest, unreachableServices } from '@concert/infra';
import { supervise, type ChildSpec } from './supervisor/supervise.js';

/**
 * `npm start`: checks that the servers answer, prepares the database, then runs the
 * system's processes under a supervisor that restarts a crashed one; Ctrl-C stops them all.
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
  applied.push(...(await migrateIdempotencyDatabase(config.IDEMPOTENCY_DATABASE_URL)));
  console.log(`database ready (${applied.length ? `applied ${applied.join(', ')}` : 'up to date'})`);

  const portOf = (url: string): string => new URL(url).port;
  const wanted: ChildSpec[] = [
    ...config.COMMAND_API_URLS.map((url, i) => ({ name: `command-api-${i + 1}`, entry: 'command-api/src/main.ts', env: { COMMAND_API_PORT: portOf(url) } })),
    ...config.QUERY_API_URLS.map((url, i) => ({ name: `query-api-${i + 1}`, entry: 'query-api/src/main.ts', env: { QUERY_API_PORT: portOf(url) } })),
    { name: 'projectors', entry: 'projectors/src/main.ts', env: {} },
    { name: 'workers', entry: 'workers/src/main.ts', env: {} },
    { name: 'gateway', entry: 'gateway/src/main.ts', env: {} },
  ];
  const children = wanted.filter((c) => existsSync(c.entry)).map((c) => ({ ...c, env: { AUTH_DEV_LOGIN: 'true', ...c.env } }));
  const missing = [...new Set(wanted.filter((c) => !existsSync(c.entry)).map((c) => c.entry.split('/')[0]))];
  const supervisor = supervise(children, (line) => console.log(line));
  console.log(`started: ${children.map((c) => c.name).join(', ')}`);
  if (missing.length > 0) console.log(`not built yet: ${missing.join(', ')}`);
  const entry = existsSync('gateway/src/main.ts')
    ? `http://127.0.0.1:${config.GATEWAY_PORT}`
    : `command API ${config.COMMAND_API_URLS.join(', ')}; query API ${config.QUERY_API_URLS.join(', ')}`;
  console.log(`ready: ${entry}  (Ctrl-C stops everything)`);

  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log('stopping...');
      void supervisor.stop().then(() => process.exit(0));
    });
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `start failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
