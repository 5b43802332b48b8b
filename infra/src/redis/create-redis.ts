import { Cluster, Redis } from 'ioredis';

/** One Redis, or a Redis Cluster when REDIS_URL lists several nodes. */
export type RedisClient = Redis | Cluster;

export interface CreateRedisOptions {
  /** `redis://host:port`, or several comma-separated for a cluster (REDIS_URL). */
  url: string;
  /** Prepended by ioredis to every key, Lua KEYS included (REDIS_KEY_PREFIX). */
  keyPrefix?: string;
  /** A command that gets no answer within this fails instead of hanging the request. */
  commandTimeoutMs?: number;
  /** Connection errors; without a listener ioredis prints them to the console. */
  onError?: (error: Error) => void;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 1000;
const CONNECT_TIMEOUT_MS = 2000;

/**
 * Redis is an optimisation here, never the source of truth: a dead Redis must fail a command
 * at once (no offline queue, one retry) so the caller can fall back to the event store's fence,
 * instead of queueing requests until Redis returns. Reconnecting goes on in the background.
 * Auto-pipelining: the commands that concurrent requests issue in one event-loop turn leave in
 * one socket write; a profile of the gateway under status polls showed a write syscall per
 * command (rate limit, queue lookups) as its largest single cost.
 */
export function createRedis(options: CreateRedisOptions): RedisClient {
  const urls = options.url
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u.length > 0);
  const keyPrefix = options.keyPrefix ?? '';
  // A brace in the prefix would become the hash tag of every key: all schedules in one slot.
  if (/[{}]/.test(keyPrefix)) throw new RangeError(`Redis key prefix must not contain braces: "${keyPrefix}"`);
  const first = urls[0];
  if (first === undefined) throw new RangeError('Redis URL is empty');
  const commandTimeout = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;

  const client: RedisClient =
    urls.length === 1
      ? new Redis(first, {
          keyPrefix,
          enableAutoPipelining: true,
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          lazyConnect: false,
          connectTimeout: CONNECT_TIMEOUT_MS,
          commandTimeout,
        })
      : new Cluster(urls.map(clusterNode), {
          keyPrefix,
          enableAutoPipelining: true,
          enableOfflineQueue: false,
          lazyConnect: false,
          slotsRefreshTimeout: CONNECT_TIMEOUT_MS,
          redisOptions: {
            ...credentials(first),
            maxRetriesPerRequest: 1,
            connectTimeout: CONNECT_TIMEOUT_MS,
            commandTimeout,
          },
        });
  if (options.onError) client.on('error', options.onError);
  return client;
}

function parse(url: string): URL {
  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new RangeError(`Redis URL must start with redis:// or rediss://: "${url}"`);
  }
  return parsed;
}

function clusterNode(url: string): { host: string; port: number } {
  const parsed = parse(url);
  return { host: parsed.hostname, port: parsed.port === '' ? 6379 : Number(parsed.port) };
}

/** Every node of one cluster shares the credentials and TLS of the first URL. */
function credentials(url: string): { username?: string; password?: string; tls?: object } {
  const parsed = parse(url);
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}
