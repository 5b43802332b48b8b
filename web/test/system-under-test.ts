import { randomBytes } from 'node:crypto';
import { ensureDatabase, loadConfig, migrateIdempotencyDatabase, migrateToLatest, type Config } from '@concert/infra';
import { freePort, removeRunResources, startPatiently, type ServiceProcess } from '@concert/infra/testing';

/** The whole system as processes, as `npm start` runs it (one instance of each), on free ports and a scratch database. */
export class SystemUnderTest {
  gatewayUrl = '';
  config: Config | undefined;
  readonly #services: ServiceProcess[] = [];

  /** `extraEnv` adds to (or overrides) every process's environment, e.g. CORS_ORIGINS. */
  async start(extraEnv: Record<string, string> = {}): Promise<this> {
    const run = randomBytes(4).toString('hex');
    const [gateway, command, query, projectors, workers] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const database = new URL(process.env.DATABASE_URL!);
    database.pathname = `${database.pathname}_web_${run}`;
    await ensureDatabase(database.toString());
    await migrateToLatest(database.toString());
    await migrateIdempotencyDatabase(database.toString());
    const env = {
      DATABASE_URL: database.toString(),
      NATS_STREAM: `WEB_${run}`,
      NATS_SUBJECT_PREFIX: `web_${run}`,
      REDIS_KEY_PREFIX: `test:web:${run}:`,
      GATEWAY_PORT: String(gateway),
      COMMAND_API_PORT: String(command),
      QUERY_API_PORT: String(query),
      COMMAND_API_URLS: `http://127.0.0.1:${command}`,
      QUERY_API_URLS: `http://127.0.0.1:${query}`,
      PROJECTORS_PORT: String(projectors),
      WORKERS_PORT: String(workers),
      AUTH_DEV_LOGIN: 'true',
      // Admission at once: the waiting room's own specs measure its pacing.
      QUEUE_ADMIT_PER_SECOND: '1000',
      QUEUE_TICK_INTERVAL_MS: '50',
      GATEWAY_HEALTH_CHECK_INTERVAL_MS: '500',
      CONSISTENCY_WAIT_MS: '15000',
      GATEWAY_UPSTREAM_TIMEOUT_MS: '30000',
      ...extraEnv,
    };
    this.config = loadConfig({ ...process.env, ...env });
    // One at a time: processes compiling TypeScript at once on a loaded machine all start slower.
    for (const [entry, port] of [
      ['command-api/src/main.ts', command],
      ['query-api/src/main.ts', query],
      ['projectors/src/main.ts', projectors],
      ['workers/src/main.ts', workers],
      ['gateway/src/main.ts', gateway],
    ] as const) {
      this.#services.push(await startPatiently(entry, port, env));
    }
    this.gatewayUrl = `http://127.0.0.1:${gateway}`;
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all(this.#services.map((service) => service.stop()));
    if (this.config) await removeRunResources(this.config);
  }
}
