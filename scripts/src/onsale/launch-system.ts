import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '@concert/infra';
import { freePort, removeRunResources } from '@concert/infra/testing';
import { startOwnNats, startOwnRedis, type OwnServer } from './own-servers.js';

export type ProcessKind = 'gateway' | 'command-api' | 'query-api' | 'projectors' | 'workers';
export const PROCESS_KINDS: readonly ProcessKind[] = ['gateway', 'command-api', 'query-api', 'projectors', 'workers'];

export interface SystemProcess {
  /** The supervisor's name: `gateway`, `command-api-1`, ... */
  name: string;
  kind: ProcessKind;
  /** The running process; undefined while the supervisor waits to restart it. */
  pid: number | undefined;
  port: number;
}

export interface LaunchOptions {
  /** Names the scratch database, Redis prefix and NATS stream. */
  label: string;
  /** Extra variables for every process (HOLD_DURATION_MS, queue and rate-limit settings). */
  env?: Record<string, string>;
  /** A redis-server and nats-server of the run's own, which the chaos suite may restart. */
  ownServers?: boolean;
  /** Every line the supervisor and the processes print. */
  onOutput?: (line: string) => void;
}

export interface RunningSystem {
  readonly gatewayUrl: string;
  /** The environment the processes run with (for the projections CLI, invariant checks). */
  readonly env: Record<string, string>;
  readonly config: Config;
  readonly redis: OwnServer | undefined;
  readonly nats: OwnServer | undefined;
  processes(): SystemProcess[];
  /** Resolves once every process answers its health check. */
  untilReady(timeoutMs?: number): Promise<void>;
  /** The last lines of the system's output, for a failure message. */
  lastOutput(lines?: number): string;
  /** Stops everything (SIGTERM to the supervisor), then deletes the run's database, keys and stream. */
  stop(): Promise<void>;
}

/**
 * Starts the system exactly as `npm start` does (scripts/src/start.ts: preflight, migration,
 * the supervisor running gateway, two command-api, two query-api, projectors and workers),
 * on a scratch database, free ports, its own Redis key prefix and NATS stream; with
 * `ownServers`, on a redis-server and nats-server of its own.
 */
export async function launchSystem(options: LaunchOptions): Promise<RunningSystem> {
  const run = randomBytes(4).toString('hex');
  const redis = options.ownServers ? await startOwnRedis() : undefined;
  const nats = options.ownServers ? await startOwnNats() : undefined;
  const database = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/concert');
  database.pathname = `${database.pathname}_${options.label}_${run}`;
  const [gateway, c1, c2, q1, q2, projectors, workers] = await Promise.all(Array.from({ length: 7 }, () => freePort()));
  const env: Record<string, string> = {
    DATABASE_URL: database.toString(),
    NATS_STREAM: `${options.label.toUpperCase()}_${run}`,
    NATS_SUBJECT_PREFIX: `${options.label}_${run}`,
    REDIS_KEY_PREFIX: `${options.label}:${run}:`,
    GATEWAY_PORT: String(gateway),
    COMMAND_API_URLS: `http://127.0.0.1:${c1},http://127.0.0.1:${c2}`,
    QUERY_API_URLS: `http://127.0.0.1:${q1},http://127.0.0.1:${q2}`,
    PROJECTORS_PORT: String(projectors),
    WORKERS_PORT: String(workers),
    LOG_LEVEL: 'warn',
    ...(redis ? { REDIS_URL: redis.url } : {}),
    ...(nats ? { NATS_URL: nats.url } : {}),
    ...options.env,
  };
  // READ_DATABASE_URL and IDEMPOTENCY_DATABASE_URL of the caller would point elsewhere.
  const baseEnv = { ...process.env };
  delete baseEnv.READ_DATABASE_URL;
  delete baseEnv.IDEMPOTENCY_DATABASE_URL;
  const config = loadConfig({ ...baseEnv, ...env });
  const ports: Record<string, number> = {
    gateway: gateway!,
    'command-api-1': c1!,
    'command-api-2': c2!,
    'query-api-1': q1!,
    'query-api-2': q2!,
    projectors: projectors!,
    workers: workers!,
  };
  const pids = new Map<string, number | undefined>();
  const output: string[] = [];
  const supervisor: ChildProcess = spawn(
    process.execPath,
    ['--conditions=development', '--import', 'tsx', 'scripts/src/start.ts'],
    {
      env: { ...baseEnv, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const onLine = (chunk: Buffer): void => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      output.push(line);
      if (output.length > 400) output.splice(0, 200);
      const started = /^\[supervisor\] (\S+) started \(pid (\d+)\)/.exec(line);
      if (started) pids.set(started[1]!, Number(started[2]));
      const exited = /^\[supervisor\] (\S+) exited/.exec(line);
      if (exited) pids.set(exited[1]!, undefined);
      options.onOutput?.(line);
    }
  };
  supervisor.stdout?.on('data', onLine);
  supervisor.stderr?.on('data', onLine);

  const processes = (): SystemProcess[] =>
    Object.entries(ports).map(([name, port]) => ({ name, kind: kindOf(name), pid: pids.get(name), port }));
  const system: RunningSystem = {
    gatewayUrl: `http://127.0.0.1:${gateway}`,
    env,
    config,
    redis,
    nats,
    processes,
    async untilReady(timeoutMs = 180_000) {
      const deadline = Date.now() + timeoutMs;
      for (const p of processes()) {
        while (!(await answers(`http://127.0.0.1:${p.port}/health`))) {
          if (supervisor.exitCode !== null)
            throw new Error(`npm start exited with ${supervisor.exitCode}:\n${system.lastOutput()}`);
          if (Date.now() > deadline)
            throw new Error(`${p.name} was not up within ${timeoutMs} ms:\n${system.lastOutput()}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    },
    lastOutput: (lines = 40) => output.slice(-lines).join('\n'),
    async stop() {
      if (supervisor.exitCode === null && supervisor.signalCode === null) {
        const exited = new Promise((resolve) => supervisor.once('exit', resolve));
        supervisor.kill('SIGTERM');
        await exited;
      }
      await removeRunResources(config).catch((error: unknown) =>
        console.error(`could not remove the run's resources: ${(error as Error).message}`),
      );
      await redis?.stop();
      await nats?.stop();
    },
  };
  try {
    await system.untilReady();
  } catch (error) {
    await system.stop();
    throw error;
  }
  return system;
}

function kindOf(name: string): ProcessKind {
  const kind = PROCESS_KINDS.find((k) => name === k || name.startsWith(`${k}-`));
  if (!kind) throw new Error(`unknown process ${name}`);
  return kind;
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}
