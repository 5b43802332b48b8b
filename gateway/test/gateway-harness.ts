import { randomBytes } from 'node:crypto';
import {
  createLogger,
  createRedis,
  deleteKeysWithPrefix,
  loadConfig,
  serve,
  signDevToken,
  type Config,
  type RunningServer,
} from '@concert/infra';
import { startPatiently, waitFor, type ServiceProcess } from '@concert/infra/testing';
import { createGatewayAdminApp, createGatewayApp, createGatewayListener } from '../src/gateway-app.js';
import type { GatewayDeps } from '../src/gateway-deps.js';
import { openGateway, type OpenedGateway } from '../src/open-gateway.js';

/** Ports for a spec's processes, from a random block so parallel runs rarely collide. */
export function portBlock(size: number): number[] {
  const base = 20_000 + Math.floor(Math.random() * 400) * 25;
  return Array.from({ length: size }, (_, i) => base + i);
}

export function runId(): string {
  return randomBytes(4).toString('hex');
}

/** One gateway in this process, on an ephemeral port, over the given upstreams. */
export class InProcessGateway {
  url = '';
  /** GATEWAY_ADMIN_PORT's server: /metrics and the detailed /ready. */
  adminUrl = '';
  deps: GatewayDeps | undefined;
  private closeServer: (() => Promise<void>) | undefined;
  readonly config: Config;

  constructor(env: Record<string, string>) {
    this.config = loadConfig({ ...process.env, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', ...env });
  }

  async start(): Promise<this> {
    const logger = createLogger(this.config, 'gateway');
    const gateway = openGateway(this.config, logger);
    await gateway.start();
    this.deps = gateway.deps;
    const admin = await serve(createGatewayAdminApp(gateway.deps), 0, { logger, host: '127.0.0.1' });
    const server = await serve(createGatewayListener(gateway.deps), 0, {
      logger,
      host: '127.0.0.1',
      onShutdown: gateway.close,
    });
    this.url = `http://127.0.0.1:${server.port}`;
    this.adminUrl = `http://127.0.0.1:${admin.port}`;
    this.closeServer = async () => {
      await admin.close();
      await server.close();
    };
    return this;
  }

  /** Resolves once the gateway reaches Redis: until then rate limits are skipped, as designed. */
  async untilRedisAnswers(): Promise<void> {
    const redisCheck = this.deps!.readinessChecks.redis!;
    await waitFor(
      'the gateway to reach Redis',
      () =>
        redisCheck().then(
          () => true,
          () => false,
        ),
      10_000,
      100,
    );
  }

  async close(): Promise<void> {
    await this.closeServer?.();
  }
}

/** A command-api or query-api process (main.ts) on `port`, as `npm start` runs it. */
export function startUpstream(
  kind: 'command-api' | 'query-api',
  port: number,
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const portVariable = kind === 'command-api' ? 'COMMAND_API_PORT' : 'QUERY_API_PORT';
  return startPatiently(`${kind}/src/main.ts`, port, { ...env, [portVariable]: String(port) });
}

export function token(config: Config, userId: string, roles: string[] = []): string {
  return signDevToken(config, { userId, roles, expiresInSeconds: 600 });
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  list: Record<string, unknown>[];
  text: string;
}

export async function send(
  method: string,
  url: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: unknown = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = {};
  }
  return {
    status: response.status,
    headers: response.headers,
    body: Array.isArray(parsed) ? {} : (parsed as Record<string, unknown>),
    list: Array.isArray(parsed) ? (parsed as Record<string, unknown>[]) : [],
    text,
  };
}

/** Routes of a service that probes and scrapes hit: not client traffic. */
const PROBE_ROUTES = new Set(['/ready', '/health', '/metrics']);

/**
 * Client requests a service has answered, from its own /metrics (the request histogram's
 * counts, whatever the route or status, probes excluded): how a test sees what reached it.
 */
export async function requestsServed(serviceUrl: string): Promise<number> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^http_request_duration_seconds_count\{(.*)\} (\d+(?:\.\d+)?)$/.exec(line);
    if (!match) continue;
    const route = /route="([^"]*)"/.exec(match[1]!)?.[1] ?? '';
    if (!PROBE_ROUTES.has(route)) total += Number(match[2]);
  }
  return total;
}

/** A metric's value from Prometheus text, or undefined; `labels` must all match. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

export async function deleteRedisPrefix(config: Config, prefix: string): Promise<void> {
  const redis = createRedis({ url: config.REDIS_URL });
  await deleteKeysWithPrefix(redis, prefix).catch(() => 0);
  redis.disconnect();
}

/**
 * One gateway served two ways over the same dependencies (same Redis, same upstreams): `fast`
 * as the gateway serves it (createGatewayListener: the fast paths in front of express) and
 * `plain`, express alone (createGatewayApp). A fast-path spec sends each request to both.
 * `close` also deletes the config's Redis prefix.
 */
export async function gatewayBothWays(
  config: Config,
): Promise<{ gateway: OpenedGateway; fast: RunningServer; plain: RunningServer; close(): Promise<void> }> {
  const logger = createLogger(config, 'gateway');
  // Not started: no ticker admits anyone unless the spec does.
  const gateway = openGateway(config, logger);
  await waitFor(
    'the gateway to reach Redis',
    () =>
      gateway.deps.readinessChecks.redis!().then(
        () => true,
        () => false,
      ),
    10_000,
    100,
  );
  const fast = await serve(createGatewayListener(gateway.deps), 0, { logger, host: '127.0.0.1' });
  const plain = await serve(createGatewayApp(gateway.deps), 0, { logger, host: '127.0.0.1' });
  return {
    gateway,
    fast,
    plain,
    async close() {
      await fast.close();
      await plain.close();
      await gateway.close();
      await deleteRedisPrefix(config, config.REDIS_KEY_PREFIX);
    },
  };
}

/** An answer as a fast-path spec compares it. */
export interface SeenAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What may differ between two answers to the same request: when, and the rate budget's count and clock. */
export function comparableAnswer(answer: SeenAnswer): SeenAnswer {
  const headers = { ...answer.headers };
  delete headers.date;
  for (const name of ['ratelimit', 'ratelimit-policy'] as const) {
    if (headers[name] !== undefined)
      headers[name] = headers[name].replace(/;r=\d+/g, ';r=N').replace(/;t=\d+/g, ';t=N');
  }
  return { ...answer, headers };
}
