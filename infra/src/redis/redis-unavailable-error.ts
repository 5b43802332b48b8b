/**
 * Redis could not answer. Callers treat Redis as optional: on this error they skip the lock
 * and rely on the event store's expected revision (the fence), which alone keeps correctness.
 */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Server replies that mean "Redis cannot serve now" rather than "this command is wrong".
 * Other replies (ERR, WRONGTYPE, CROSSSLOT...) are bugs and must surface as they are.
 */
const UNAVAILABLE_REPLIES = ['LOADING', 'BUSY', 'CLUSTERDOWN', 'MASTERDOWN', 'TRYAGAIN', 'READONLY', 'OOM'];

/** Wraps connection failures (anything that is not a server reply) and unavailability replies. */
export function toRedisUnavailable(error: unknown): unknown {
  if (error instanceof RedisUnavailableError) return error;
  if (!(error instanceof Error)) return error;
  if (error.name === 'ReplyError') {
    const code = error.message.split(' ', 1)[0] ?? '';
    if (!UNAVAILABLE_REPLIES.includes(code)) return error;
  }
  return new RedisUnavailableError(`Redis unavailable: ${error.message}`, { cause: error });
}
