/**
 * Recognises errors that mean a backing service (PostgreSQL, Redis, NATS, EventStoreDB) is
 * down, overloaded or failing over. Those are answered 503 with Retry-After: the request was
 * fine and may succeed in a moment, so a 500 (a bug signal) would be a lie.
 */

/** Socket-level failures raised by node:net and every client built on it. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** PostgreSQL SQLSTATEs for a server that is going away, starting or full. */
const POSTGRES_CODES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
  '25006', // read_only_sql_transaction: a primary that was demoted during failover
]);

/** nats.js (v2) codes for a connection that is gone or a subject nobody serves. */
const NATS_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DRAINING',
  'CONNECTION_REFUSED',
  'CONNECTION_TIMEOUT',
  'DISCONNECT',
  'TIMEOUT',
  '503',
]);

/** Error class names of the clients (ioredis, nats.js v3, EventStoreDB) for the same states. */
const ERROR_NAMES = new Set([
  'MaxRetriesPerRequestError',
  'ClusterAllFailedError',
  'ClosedConnectionError',
  'DrainingConnectionError',
  'NoRespondersError',
  'UnavailableError',
  'DeadlineExceededError',
  'NotLeaderError',
  'TimeoutError',
  'RedisUnavailableError', // ../redis: already classified by the Redis adapter
]);

/** Redis replies (first word) that mean "cannot serve now" rather than "wrong command". */
const REDIS_UNAVAILABLE_REPLIES = new Set([
  'LOADING',
  'BUSY',
  'CLUSTERDOWN',
  'MASTERDOWN',
  'TRYAGAIN',
  'READONLY',
  'OOM',
]);

/** Messages that are the only trace of a lost connection in pg and ioredis. */
const MESSAGE_PREFIXES = [
  'Connection terminated', // pg: "... unexpectedly", "... due to connection timeout"
  'timeout exceeded when trying to connect', // pg-pool
  'Client has encountered a connection error',
  'Cannot use a pool after calling end on the pool', // a request racing shutdown
  'Connection is closed', // ioredis
  "Stream isn't writeable", // ioredis with the offline queue disabled
];

const MAX_DEPTH = 5;

export function isDependencyUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > MAX_DEPTH) return false;
  const { code, name, message, cause, errors } = error as Record<string, unknown>;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || POSTGRES_CODES.has(code) || NATS_CODES.has(code))) {
    return true;
  }
  if (typeof name === 'string' && ERROR_NAMES.has(name)) return true;
  if (typeof message === 'string') {
    if (MESSAGE_PREFIXES.some((prefix) => message.startsWith(prefix))) return true;
    if (name === 'ReplyError' && REDIS_UNAVAILABLE_REPLIES.has(message.split(' ', 1)[0] ?? '')) return true;
  }
  // Drivers wrap the socket error (`cause`), and node:net reports every address it tried
  // (AggregateError `errors`) when a host resolves to several.
  if (isDependencyUnavailable(cause, depth + 1)) return true;
  return Array.isArray(errors) && errors.some((inner) => isDependencyUnavailable(inner, depth + 1));
}
