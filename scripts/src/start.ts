import { existsSync } from 'node:fs';
import { buildWeb } from '@concert/web/build';
import {
  ConfigError,
  ensureDatabase,
  isReachable,
  loadConfig,
  migrateIdempotencyDatabase,
  migrateToLatest,
  startInstalledServices,
  unreachableServiceChecks,
} from '@concert/infra';
import { answersReady } from './supervisor/answers-ready.js';
import { prettyLines } from './supervisor/pretty-lines.js';
import { stopOnSignals } from './supervisor/stop-on-signals.js';
import { supervise, type ChildSpec } from './supervisor/supervise.js';
import { takenPorts } from './supervisor/taken-ports.js';

/**
 * `npm start`: checks that the servers answer (starting a stopped local one that is installed) and the ports are free, prepares the database,
 * then runs the system's processes under a supervisor that restarts a crashed one with
 * backoff; Ctrl-C stops them all.
 */
try {
  const config = loadConfig({ AUTH_DEV_LOGIN: 'true', ...process.env });
  // A local server that is installed but stopped is started (one line says so); the others are reported.
  const problems = await startInstalledServices(await unreachableServiceChecks(config), (line) => console.log(line));
  // The query API's replica and the Idempotency DB, when they are other servers than the primary.
  for (const variable of ['READ_DATABASE_URL', 'IDEMPOTENCY_DATABASE_URL'] as const) {
    const url = new URL(config[variable]);
    const primary = new URL(config.DATABASE_URL);
    if (url.host === primary.host) continue;
    const port = Number(url.port || 5432);
    if (!(await isReachable(url.hostname, port))) {
      problems.push(
        `PostgreSQL (${variable}) is not reachable at ${url.hostname}:${port}.\n  Start it, or unset ${variable} to use DATABASE_URL` +
          (variable === 'READ_DATABASE_URL' && port === 5433 ? ' (a local replica: scripts/ci/replica.sh)' : ''),
      );
    }
  }
  const portOf = (url: string): number => Number(new URL(url).port);
  const wanted: (ChildSpec & { port: number; variable: string })[] = [
    { name: 'gateway', entry: 'gateway/src/main.ts', env: {}, port: config.GATEWAY_PORT, variable: 'GATEWAY_PORT' },
    ...config.COMMAND_API_URLS.map((url, i) => ({
      name: `command-api-${i + 1}`,
      entry: 'command-api/src/main.ts',
      env: { COMMAND_API_PORT: String(portOf(url)) },
      port: portOf(url),
      variable: 'COMMAND_API_URLS',
    })),
    ...config.QUERY_API_URLS.map((url, i) => ({
      name: `query-api-${i + 1}`,
      entry: 'query-api/src/main.ts',
      env: { QUERY_API_PORT: String(portOf(url)) },
      port: portOf(url),
      variable: 'QUERY_API_URLS',
    })),
    {
      name: 'projectors',
      entry: 'projectors/src/main.ts',
      env: {},
      port: config.PROJECTORS_PORT,
      variable: 'PROJECTORS_PORT',
    },
    { name: 'workers', entry: 'workers/src/main.ts', env: {}, port: config.WORKERS_PORT, variable: 'WORKERS_PORT' },
  ];
  const built = wanted.filter((c) => existsSync(c.entry));
  // The gateway also listens on its admin port (/metrics, the detailed /ready).
  const gatewayAdmin = built.some((c) => c.name === 'gateway')
    ? [{ name: 'gateway admin', port: config.GATEWAY_ADMIN_PORT, variable: 'GATEWAY_ADMIN_PORT' }]
    : [];
  problems.push(...(await takenPorts([...built, ...gatewayAdmin])));
  if (problems.length > 0) {
    for (const line of problems) console.error(line);
    process.exit(1);
  }

  await ensureDatabase(config.DATABASE_URL);
  const applied = await migrateToLatest(config.DATABASE_URL);
  applied.push(...(await migrateIdempotencyDatabase(config.IDEMPOTENCY_DATABASE_URL)));
  console.log(`database ready (${applied.length ? `applied ${applied.join(', ')}` : 'up to date'})`);
  // The buyer page and the ops console the gateway serves (esbuild: well under a second).
  console.log(`web pages built into ${(await buildWeb()).outDir}`);

  // A readable terminal: warnings and errors (failed and slow requests among them) unless LOG_LEVEL says otherwise.
  const logLevel = process.env.LOG_LEVEL ?? 'warn';
  const children = built.map(({ name, entry, env }) => ({
    name,
    entry,
    env: { AUTH_DEV_LOGIN: 'true', LOG_LEVEL: logLevel, ...env },
  }));
  const missing = [...new Set(wanted.filter((c) => !existsSync(c.entry)).map((c) => c.entry.split('/')[0]))];
  const supervisor = supervise(
    children,
    (line) => console.log(line),
    process.stdout.isTTY ? { formatLine: prettyLines(true) } : {},
  );
  stopOnSignals(supervisor, (line) => console.log(line));
  console.log(`started: ${children.map((c) => c.name).join(', ')} (LOG_LEVEL=${logLevel})`);
  if (missing.length > 0) console.log(`not built yet: ${missing.join(', ')}`);
  if (existsSync('gateway/src/main.ts')) {
    const gateway = `http://127.0.0.1:${config.GATEWAY_PORT}`;
    const ready = await answersReady(gateway, 120_000);
    console.log(
      `${ready ? 'ready' : 'started, not ready yet'}: gateway ${gateway}  console ${gateway}/console  (Ctrl-C stops everything)`,
    );
    console.log(`gateway metrics and readiness details: http://127.0.0.1:${config.GATEWAY_ADMIN_PORT}/metrics, /ready`);
  } else {
    console.log(
      `ready: command API ${config.COMMAND_API_URLS.join(', ')}; query API ${config.QUERY_API_URLS.join(', ')}  (Ctrl-C stops everything)`,
    );
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `start failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
